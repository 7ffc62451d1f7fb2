/* array.c - typed numeric arrays: raw numbers in one block (the `array`
 * module's idea). Header, length, kind, then len * itemsize bytes, aligned
 * to 8 so float64 items load directly. Fixed length. A leaf: no referents. */
#include <stddef.h>

#include "ob_impl.h"

typedef struct ob_arrayobj {
    ob_object head;
    uint32_t len;
    uint8_t kind;
    uint8_t isz;
    uint16_t pad;
#if UINTPTR_MAX > 0xFFFFFFFFu
    uint32_t pad2;
#endif
} ob_arrayobj;
static_assert(sizeof(ob_arrayobj) % 8 == 0, "array items must start 8-aligned");

static const uint8_t item_size[] = { 1, 1, 2, 2, 4, 4, 4, 8 };

static void *items_of(ob_arrayobj *a)
{
    return a + 1;
}

static void array_repr(ob_object *o, ob_sink *s)
{
    static const char codes[] = "bBhHiIfd";
    ob_arrayobj *a = (ob_arrayobj *)o;
    char c[3] = { codes[a->kind], '\0', '\0' };
    s->put(s, "array('", 7);
    s->put(s, c, 1);
    s->put(s, "', [", 4);
    for (uint32_t i = 0; i < a->len; i++) {
        ob_object *x = ob_array_get(o, i);
        if (i)
            s->put(s, ", ", 2);
        if (x)
            ob_repr(x, s); /* a number: a leaf, no nesting */
        ob_decref(x);
    }
    s->put(s, "])", 2);
}

const ob_type ob_array_type = {
    OB_TYPE_HEAD("array"),
    .basicsize = sizeof(ob_arrayobj),
    .itemsize = 1,
    .repr = array_repr,
};

static ob_arrayobj *as_array(ob_object *o)
{
    if (o && !ob_is_small(o) && o->ob_type == &ob_array_type)
        return (ob_arrayobj *)o;
    ob_err_set(OB_E_TYPE, "expected an array");
    return NULL;
}

ob_object *ob_array_new(ob_array_kind kind, size_t n)
{
    if ((unsigned)kind > OB_ARR_F64)
        return ob_err_null(OB_E_VALUE, "bad array kind");
    size_t isz = item_size[kind];
    if (n > UINT32_MAX / 8)
        return ob_err_null(OB_E_OVERFLOW, "array too long");
    ob_arrayobj *a = (ob_arrayobj *)ob_object_alloc(&ob_array_type, n * isz);
    if (!a)
        return NULL;
    a->len = (uint32_t)n;
    a->kind = (uint8_t)kind;
    a->isz = (uint8_t)isz;
    return &a->head;
}

size_t ob_array_len(const ob_object *o)
{
    return (o && !ob_is_small(o) && o->ob_type == &ob_array_type)
               ? ((const ob_arrayobj *)o)->len
               : 0;
}

ob_array_kind ob_array_kind_of(const ob_object *o)
{
    return (ob_array_kind)((const ob_arrayobj *)o)->kind;
}

void *ob_array_data(ob_object *o)
{
    ob_arrayobj *a = as_array(o);
    return a ? items_of(a) : NULL;
}

ob_object *ob_array_get(ob_object *o, size_t i)
{
    ob_arrayobj *a = as_array(o);
    if (!a)
        return NULL;
    if (i >= a->len)
        return ob_err_null(OB_E_INDEX, "array index out of range");
    void *p = (uint8_t *)items_of(a) + i * a->isz;
    switch ((ob_array_kind)a->kind) {
    case OB_ARR_I8: return ob_int_from_i64(*(int8_t *)p);
    case OB_ARR_U8: return ob_int_from_i64(*(uint8_t *)p);
    case OB_ARR_I16: return ob_int_from_i64(*(int16_t *)p);
    case OB_ARR_U16: return ob_int_from_i64(*(uint16_t *)p);
    case OB_ARR_I32: return ob_int_from_i64(*(int32_t *)p);
    case OB_ARR_U32: return ob_int_from_i64(*(uint32_t *)p);
    case OB_ARR_F32: return ob_float_from(*(float *)p);
    default: return ob_float_from(*(double *)p);
    }
}

int ob_array_set(ob_object *o, size_t i, ob_object *x)
{
    ob_arrayobj *a = as_array(o);
    if (!a)
        return OB_E_TYPE;
    if (i >= a->len)
        return ob_err_set(OB_E_INDEX, "array assignment index out of range");
    void *p = (uint8_t *)items_of(a) + i * a->isz;
    if (a->kind == OB_ARR_F32 || a->kind == OB_ARR_F64) {
        double d;
        if (ob_float_as_double(x, &d) < 0)
            return OB_E_TYPE;
        if (a->kind == OB_ARR_F32)
            *(float *)p = (float)d;
        else
            *(double *)p = d;
        return 0;
    }
    int64_t v;
    if (ob_int_as_i64(x, &v) < 0)
        return ob_err_set(OB_E_TYPE, "an integer is required");
    static const int64_t lo[] = { INT8_MIN, 0, INT16_MIN, 0, INT32_MIN, 0 };
    static const int64_t hi[] = { INT8_MAX, UINT8_MAX, INT16_MAX, UINT16_MAX, INT32_MAX,
                                  UINT32_MAX };
    if (v < lo[a->kind] || v > hi[a->kind])
        return ob_err_set(OB_E_OVERFLOW, "value out of range for the array's type");
    switch ((ob_array_kind)a->kind) {
    case OB_ARR_I8: *(int8_t *)p = (int8_t)v; break;
    case OB_ARR_U8: *(uint8_t *)p = (uint8_t)v; break;
    case OB_ARR_I16: *(int16_t *)p = (int16_t)v; break;
    case OB_ARR_U16: *(uint16_t *)p = (uint16_t)v; break;
    case OB_ARR_I32: *(int32_t *)p = (int32_t)v; break;
    default: *(uint32_t *)p = (uint32_t)v; break;
    }
    return 0;
}
