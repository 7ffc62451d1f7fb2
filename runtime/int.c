/* int.c - None, bool, int (immediate small ints and boxed int64) and float.
 *
 * Numbers hash and compare as in Python, across types: 1 == 1.0 == True
 * and hash(1) == hash(1.0) == hash(True). Integer hashes reduce modulo the
 * Mersenne prime 2^31 - 1 (what 32-bit CPython uses); a float that holds an
 * integer hashes as that integer; other floats hash their bit pattern (no
 * integer can equal them, so any stable hash is consistent).
 */
#include "ob_fmt.h"
#include "ob_impl.h"

#define HASH_MODULUS 0x7FFFFFFFu

typedef struct ob_intbox {
    ob_object head;
    int64_t v; /* always outside OB_SMALL_MIN..OB_SMALL_MAX */
} ob_intbox;

typedef struct ob_floatobj {
    ob_object head;
    double v;
} ob_floatobj;

/* ---- None ---------------------------------------------------------------- */
static int none_hash(ob_object *o, ob_hash_t *out)
{
    (void)o;
    *out = 0xFCA86420u;
    return 0;
}

static void none_repr(ob_object *o, ob_sink *s)
{
    (void)o;
    s->put(s, "None", 4);
}

const ob_type ob_none_type = {
    OB_TYPE_HEAD("NoneType"),
    .basicsize = sizeof(ob_object),
    .hash = none_hash,
    .repr = none_repr,
};
const ob_object ob_none_obj = OB_HEAD_IMMORTAL(&ob_none_type);

/* ---- numbers: common ------------------------------------------------------ */
static void num_repr(ob_object *o, ob_sink *s);

const ob_type ob_bool_type = {
    OB_TYPE_HEAD("bool"),
    .basicsize = sizeof(ob_object),
    .flags = OB_TF_NUMBER,
    .repr = num_repr,
};
const ob_object ob_true_obj = OB_HEAD_IMMORTAL(&ob_bool_type);
const ob_object ob_false_obj = OB_HEAD_IMMORTAL(&ob_bool_type);

const ob_type ob_int_type = {
    OB_TYPE_HEAD("int"),
    .basicsize = sizeof(ob_intbox),
    .flags = OB_TF_NUMBER,
    .repr = num_repr,
};

const ob_type ob_float_type = {
    OB_TYPE_HEAD("float"),
    .basicsize = sizeof(ob_floatobj),
    .flags = OB_TF_NUMBER,
    .repr = num_repr,
};

/* ---- int ------------------------------------------------------------------ */
ob_object *ob_int_from_i64(int64_t v)
{
    if (v >= OB_SMALL_MIN && v <= OB_SMALL_MAX)
        return ob_small_from((int32_t)v);
    ob_intbox *b = (ob_intbox *)ob_object_alloc(&ob_int_type, 0);
    if (!b)
        return NULL;
    b->v = v;
    return &b->head;
}

int ob_is_int(const ob_object *o)
{
    return o && (ob_is_small(o) || o->ob_type == &ob_int_type);
}

int ob_int_as_i64(ob_object *o, int64_t *out)
{
    if (!o)
        return ob_err_set(OB_E_TYPE, "expected an int, got NULL");
    if (ob_is_small(o)) {
        *out = ob_small_value(o);
        return 0;
    }
    if (o->ob_type == &ob_int_type) {
        *out = ((ob_intbox *)o)->v;
        return 0;
    }
    if (o->ob_type == &ob_bool_type) {
        *out = o == OB_TRUE;
        return 0;
    }
    return ob_err_set(OB_E_TYPE, "expected an int");
}

enum { OP_ADD, OP_SUB, OP_MUL };

static ob_object *int_op(ob_object *a, ob_object *b, int op)
{
    int64_t x, y, r;
    if (ob_int_as_i64(a, &x) < 0 || ob_int_as_i64(b, &y) < 0)
        return ob_err_null(OB_E_TYPE, "unsupported operand type for int arithmetic");
    int ovf;
    switch (op) {
    case OP_ADD: ovf = __builtin_add_overflow(x, y, &r); break;
    case OP_SUB: ovf = __builtin_sub_overflow(x, y, &r); break;
    default: ovf = __builtin_mul_overflow(x, y, &r); break;
    }
    if (ovf)
        return ob_err_null(OB_E_OVERFLOW, "integer overflow (beyond int64)");
    return ob_int_from_i64(r);
}

ob_object *ob_int_add(ob_object *a, ob_object *b)
{
    return int_op(a, b, OP_ADD);
}
ob_object *ob_int_sub(ob_object *a, ob_object *b)
{
    return int_op(a, b, OP_SUB);
}
ob_object *ob_int_mul(ob_object *a, ob_object *b)
{
    return int_op(a, b, OP_MUL);
}

/* ---- float ---------------------------------------------------------------- */
ob_object *ob_float_from(double v)
{
    ob_floatobj *f = (ob_floatobj *)ob_object_alloc(&ob_float_type, 0);
    if (!f)
        return NULL;
    f->v = v;
    return &f->head;
}

int ob_float_as_double(ob_object *o, double *out)
{
    if (o && !ob_is_small(o) && o->ob_type == &ob_float_type) {
        *out = ((ob_floatobj *)o)->v;
        return 0;
    }
    int64_t i = 0;
    if (ob_int_as_i64(o, &i) < 0)
        return ob_err_set(OB_E_TYPE, "expected a number");
    *out = (double)i;
    return 0;
}

/* ---- hash and equality ----------------------------------------------------- */
static ob_hash_t hash_i64(int64_t v)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint32_t h = (uint32_t)(a % HASH_MODULUS);
    if (v < 0)
        h = (uint32_t)0 - h;
    return h;
}

/* True when x holds an integer representable as int64 (stored in *i). */
static int double_is_i64(double x, int64_t *i)
{
    if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
        return 0; /* also NaN */
    int64_t t = (int64_t)x;
    if ((double)t != x)
        return 0;
    *i = t;
    return 1;
}

int ob_num_hash_(ob_object *o, ob_hash_t *out)
{
    if (!ob_is_small(o) && o->ob_type == &ob_float_type) {
        double x = ((ob_floatobj *)o)->v;
        int64_t i;
        if (double_is_i64(x, &i)) {
            *out = hash_i64(i);
        } else {
            uint64_t bits;
            memcpy(&bits, &x, sizeof bits);
            bits ^= bits >> 29;
            bits *= 0xBF58476D1CE4E5B9ull;
            *out = (ob_hash_t)(bits ^ (bits >> 32));
        }
        return 0;
    }
    int64_t v = 0;
    if (ob_int_as_i64(o, &v) < 0)
        return OB_E_TYPE;
    *out = hash_i64(v);
    return 0;
}

int ob_num_eq_(ob_object *a, ob_object *b)
{
    int fa = !ob_is_small(a) && a->ob_type == &ob_float_type;
    int fb = !ob_is_small(b) && b->ob_type == &ob_float_type;
    if (fa && fb)
        return ((ob_floatobj *)a)->v == ((ob_floatobj *)b)->v;
    if (fa || fb) {
        double x = fa ? ((ob_floatobj *)a)->v : ((ob_floatobj *)b)->v;
        int64_t i, j = 0;
        if (ob_int_as_i64(fa ? b : a, &j) < 0 || !double_is_i64(x, &i))
            return 0;
        return i == j;
    }
    int64_t x = 0, y = 0;
    if (ob_int_as_i64(a, &x) < 0 || ob_int_as_i64(b, &y) < 0)
        return 0;
    return x == y;
}

/* ---- repr ----------------------------------------------------------------- */
static void put_cstr(ob_sink *s, const char *t)
{
    s->put(s, t, strlen(t));
}

/* Float printing without libm or printf's %g: up to 15 significant digits,
 * trailing zeros trimmed, exponent form outside [1e-4, 1e16). Not the
 * shortest round-trip form CPython prints (docs/objects.md). */
static void float_repr(double x, ob_sink *s)
{
    char buf[48];
    if (x != x) {
        put_cstr(s, "nan");
        return;
    }
    int neg = x < 0 || (x == 0 && 1.0 / x < 0);
    double ax = neg ? -x : x;
    if (ax > 1.7976931348623157e308) {
        put_cstr(s, neg ? "-inf" : "inf");
        return;
    }
    if (neg)
        put_cstr(s, "-");
    int exp10 = 0;
    int sci = ax != 0 && (ax >= 1e16 || ax < 1e-4);
    if (sci) {
        while (ax >= 10.0)
            ax /= 10.0, exp10++;
        while (ax < 1.0)
            ax *= 10.0, exp10--;
    }
    uint64_t ip = (uint64_t)ax;
    double frac = ax - (double)ip;
    int ndig = 1;
    for (uint64_t t = ip; t >= 10; t /= 10)
        ndig++;
    int k = 15 - ndig;
    if (k < 1)
        k = 1;
    uint64_t scale = 1;
    for (int i = 0; i < k; i++)
        scale *= 10;
    uint64_t f = (uint64_t)(frac * (double)scale + 0.5);
    if (f >= scale)
        ip++, f -= scale;
    if (sci && ip >= 10) /* rounding carried: 9.99..e5 -> 1e6 */
        ip /= 10, exp10++;
    char fd[24];
    for (int i = k - 1; i >= 0; i--, f /= 10)
        fd[i] = (char)('0' + f % 10);
    int last = k - 1;
    while (last > 0 && fd[last] == '0')
        last--;
    fd[last + 1] = '\0';
    if (sci) {
        if (last == 0 && fd[0] == '0')
            ob_snprintf(buf, sizeof buf, "%llue%c%02d", (unsigned long long)ip,
                        exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
        else
            ob_snprintf(buf, sizeof buf, "%llu.%se%c%02d", (unsigned long long)ip, fd,
                        exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    } else {
        ob_snprintf(buf, sizeof buf, "%llu.%s", (unsigned long long)ip, fd);
    }
    put_cstr(s, buf);
}

static void num_repr(ob_object *o, ob_sink *s)
{
    char buf[32];
    if (!ob_is_small(o) && o->ob_type == &ob_bool_type) {
        put_cstr(s, o == OB_TRUE ? "True" : "False");
        return;
    }
    if (!ob_is_small(o) && o->ob_type == &ob_float_type) {
        float_repr(((ob_floatobj *)o)->v, s);
        return;
    }
    int64_t v = 0;
    if (ob_int_as_i64(o, &v) < 0)
        v = 0;
    ob_snprintf(buf, sizeof buf, "%lld", (long long)v);
    put_cstr(s, buf);
}
