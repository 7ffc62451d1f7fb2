# Obol - the one entry point. `make help` lists boards and targets.
#
#   make run   [BOARD=b]   build the demo and run it under QEMU
#   make test              host tests (sanitizers) + every QEMU board + flash path
#   make bench [BOARD=b]   instruction-exact benchmarks under QEMU -icount
#   make flash BOARD=b [GDB=host:port] [IMAGE=elf]
#   make size|lib|debug|clean|help
#
# Builds are out of tree, in build/<board>/ (build/host/ for the host).

BOARD ?= mps2-an385
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
OPT ?= -O2
CHECKED ?= 1
BUILD := build

BOARDS := $(sort $(patsubst boards/%/board.mk,%,$(wildcard boards/*/board.mk)))
QEMU_BOARDS := $(sort $(patsubst boards/%/board.mk,%,$(shell grep -l '^BOARD_QEMU' boards/*/board.mk)))
DEV_BOARDS := $(filter-out $(QEMU_BOARDS),$(BOARDS))

ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error Unknown BOARD '$(BOARD)'. Boards: $(BOARDS))
endif

# ---------------------------------------------------------------- sources --
RUNTIME_SRCS := $(sort $(wildcard runtime/*.c))
# Target-only assembly (each file assembles to nothing where its core does not fit).
RUNTIME_ASM_SRCS := $(sort $(wildcard runtime/arch/*.S))
KERNEL_SRCS := kernel/startup.c kernel/kernel.c kernel/time.c kernel/fault.c kernel/semihost.c kernel/bench.c
HARNESS_SRCS := tests/harness/t.c
# A test suite is tests/<area>/test_*.c (runs everywhere and reports cases)
# or tests/<area>/xfail_*.c (a program that must fail in a stated way: its
# source names the expected exit status and output, see tests/run.sh).
TEST_SRCS := $(sort $(wildcard tests/*/test_*.c tests/*/xfail_*.c))
TARGET_ONLY_TESTS := $(shell grep -l "test-target-only" $(TEST_SRCS) /dev/null)
INCLUDES := -Iruntime/include -Ikernel/include -Itests/harness -Iboards/include

WARN := -Wall -Wextra -Werror -Wundef -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wno-missing-field-initializers
COMMON_CFLAGS := -std=c11 $(WARN) -g3 -DOB_CHECKED=$(CHECKED)

# ------------------------------------------------------------------ board --
include boards/$(BOARD)/board.mk
BOARD_CONSOLE_PINS ?=
BOARD_SRCS ?=
BOARD_DEFS ?=
BOARD_QEMU ?=
BOARD_FLASH ?=
BOARD_OPENOCD ?=
BOARD_BENCH_TIMER ?=
BOARD_UNMAPPED ?=

# Release builds (CHECKED=0) live apart so checked and unchecked objects never mix.
B := $(BUILD)/$(BOARD)$(if $(filter 0,$(CHECKED)),-release)
CROSS := arm-none-eabi-
CC := $(CROSS)gcc
AR := $(CROSS)ar
OBJCOPY := $(CROSS)objcopy
SIZE := $(CROSS)size

SEMIHOSTING := $(if $(BOARD_QEMU),1,0)
ARCH_FLAGS := -mcpu=$(BOARD_CORE) -mthumb $(BOARD_FPU)
TARGET_DEFS := -DK_BOARD_NAME='"$(BOARD)"' -DK_CORE_NAME='"$(BOARD_CORE)"' \
        -DK_CLOCK_HZ=$(BOARD_CLOCK_HZ)u -DK_CONSOLE_BASE=$(BOARD_CONSOLE_BASE)u \
        -DK_SEMIHOSTING=$(SEMIHOSTING) -DOB_STACK_SIZE=$(BOARD_STACK_SIZE) \
        $(BOARD_CONSOLE_PINS) $(BOARD_DEFS) \
        $(if $(BOARD_BENCH_TIMER),-DK_BENCH_TIMER=$(BOARD_BENCH_TIMER)u) \
        $(if $(BOARD_UNMAPPED),-DK_UNMAPPED_ADDRESS=$(BOARD_UNMAPPED)u)
TARGET_CFLAGS := $(ARCH_FLAGS) $(COMMON_CFLAGS) $(OPT) $(TARGET_DEFS) $(INCLUDES) \
        -ffunction-sections -fdata-sections -fno-common -fno-unwind-tables \
        -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
        -MMD -MP $(EXTRA_CFLAGS)
TARGET_LDFLAGS := $(ARCH_FLAGS) --specs=nano.specs -nostartfiles \
        -Wl,--gc-sections -Wl,--no-warn-rwx-segments -T $(B)/link.ld
TARGET_LIBS := -Wl,--start-group -lc_nano -lgcc -Wl,--end-group

KERNEL_OBJS := $(patsubst %.c,$(B)/%.o,$(KERNEL_SRCS) kernel/uart_$(BOARD_CONSOLE).c $(BOARD_SRCS))
RUNTIME_OBJS := $(patsubst %.c,$(B)/%.o,$(RUNTIME_SRCS)) $(patsubst %.S,$(B)/%.o,$(RUNTIME_ASM_SRCS))
HARNESS_OBJS := $(patsubst %.c,$(B)/%.o,$(HARNESS_SRCS))
TEST_ELFS := $(patsubst %.c,$(B)/%.elf,$(TEST_SRCS))
BENCH_SRCS := $(sort $(wildcard tests/bench/bench_*.c))
BENCH_ELFS := $(patsubst %.c,$(B)/%.elf,$(BENCH_SRCS))
DEMO_ELF := $(B)/examples/demo/demo.elf
LIBOBOL := $(B)/libobol.a
LIBK := $(B)/libk.a

# ------------------------------------------------------------------- host --
H := $(BUILD)/host
HOST_CC ?= cc
SANITIZE ?= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS := $(COMMON_CFLAGS) -O1 $(SANITIZE) -DOB_HOST=1 -DK_SEMIHOSTING=0 $(INCLUDES) -MMD -MP \
        $(EXTRA_CFLAGS)
HOST_TEST_BINS := $(patsubst %.c,$(H)/%,$(filter-out $(TARGET_ONLY_TESTS),$(TEST_SRCS)))
HOST_OBJS := $(patsubst %.c,$(H)/%.o,$(RUNTIME_SRCS) $(HARNESS_SRCS) kernel/host/k_host.c)

PHONY_EXTRA := build-bench
.PHONY: $(PHONY_EXTRA) all run test test-host test-board bench flash size lib debug clean help deps \
        build-tests build-demo images
.DEFAULT_GOAL := help

all: build-demo build-tests

# ----------------------------------------------------------------- rules ---
$(B)/link.ld: linker/cortex-m.ld.S linker/$(BOARD_MEMORY) runtime/include/ob_config.h boards/$(BOARD)/board.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x assembler-with-cpp -undef -DOB_LINKER_SCRIPT=1 \
	    -DOB_CHIP_MEMORY='"$(BOARD_MEMORY)"' -DOB_STACK_SIZE=$(BOARD_STACK_SIZE) \
	    $(BOARD_DEFS) -Ilinker -Iruntime/include $< -o $@

$(B)/%.o: %.c boards/$(BOARD)/board.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $(BOARD)  $<")
	$(Q)$(CC) $(TARGET_CFLAGS) -c $< -o $@

$(B)/%.o: %.S boards/$(BOARD)/board.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS    $(BOARD)  $<")
	$(Q)$(CC) $(TARGET_CFLAGS) -c $< -o $@

$(LIBOBOL): $(RUNTIME_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBK): $(KERNEL_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Every image links the kernel objects directly (the vector table must not
# be dropped by the archive rules) and the runtime as a library.
define LINK_IMAGE
	@$(if $(Q),echo "  LD    $(BOARD)  $@")
	$(Q)$(CC) $(TARGET_LDFLAGS) -Wl,-Map=$(basename $@).map -o $@ $(filter-out $(KERNEL_OBJS),$(filter %.o,$^)) \
	    $(KERNEL_OBJS) $(LIBOBOL) $(TARGET_LIBS)
endef

$(B)/tests/bench/%.elf: $(B)/tests/bench/%.o $(B)/tests/bench/bench.o $(KERNEL_OBJS) $(LIBOBOL) $(B)/link.ld
	$(LINK_IMAGE)

$(B)/tests/%.elf: $(B)/tests/%.o $(HARNESS_OBJS) $(KERNEL_OBJS) $(LIBOBOL) $(B)/link.ld
	$(LINK_IMAGE)

$(DEMO_ELF): $(B)/examples/demo/main.o $(KERNEL_OBJS) $(LIBOBOL) $(B)/link.ld
	$(LINK_IMAGE)

%.bin: %.elf
	$(Q)$(OBJCOPY) -O binary $< $@
%.hex: %.elf
	$(Q)$(OBJCOPY) -O ihex $< $@

$(H)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    host  $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(H)/tests/%: $(H)/tests/%.o $(HOST_OBJS)
	@$(if $(Q),echo "  LD    host  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ -lm

-include $(shell find $(B) $(H) -name '*.d' 2>/dev/null)

# --------------------------------------------------------------- targets ---
build-tests: $(TEST_ELFS)
build-bench: $(BENCH_ELFS)
build-demo: $(DEMO_ELF) $(DEMO_ELF:.elf=.bin) $(DEMO_ELF:.elf=.hex)
images: build-demo

deps:
	$(Q)tools/deps.sh

run: deps
ifeq ($(BOARD_QEMU),)
	@echo "make run: BOARD=$(BOARD) is a development board, not a QEMU model; use 'make flash BOARD=$(BOARD)'." >&2; exit 2
else
	$(Q)$(MAKE) --no-print-directory BOARD=$(BOARD) build-demo
	$(Q)tools/qemu-run.sh $(BOARD_QEMU) $(DEMO_ELF)
endif

test: deps
	$(Q)tests/run.sh all

test-host: $(HOST_TEST_BINS)

# Builds every test image of BOARD (used by tests/run.sh, one board at a time).
test-board: build-tests build-demo

# Benchmarks run on mps2-an385 and microbit (or BENCH_BOARDS=...), release builds.
bench: deps
	$(Q)tools/bench.sh $(or $(BENCH_BOARDS),mps2-an385 microbit)

lib: $(LIBOBOL) $(LIBK)
	@echo "$(LIBOBOL): the runtime for $(BOARD) ($(BOARD_CORE)); headers in runtime/include"
	@echo "$(LIBK): the kernel for $(BOARD); header kernel/include/k.h"

size: build-demo
	@echo "$(BOARD) ($(BOARD_CORE)): demo image $(DEMO_ELF)"
	$(Q)$(SIZE) -A -x $(DEMO_ELF) | grep -E "^(\.vectors|\.text|\.ARM\.exidx|\.data|\.bss)" || true
	$(Q)tools/size.sh $(DEMO_ELF) $(BOARD)

flash: $(if $(IMAGE),,build-demo)
	$(Q)flash/flash.sh "$(BOARD)" "$(if $(IMAGE),$(IMAGE),$(DEMO_ELF))" "$(GDB)" "$(BOARD_FLASH)" '$(BOARD_OPENOCD)'

debug: build-demo
ifeq ($(BOARD_QEMU),)
	@echo "make debug: BOARD=$(BOARD) has no QEMU model; attach gdb-multiarch to your probe's GDB server." >&2; exit 2
else
	@echo "QEMU halted at reset, GDB server on 127.0.0.1:$(or $(PORT),3333). In another shell:"
	@echo "  gdb-multiarch $(DEMO_ELF) -ex 'target remote 127.0.0.1:$(or $(PORT),3333)'"
	$(Q)tools/qemu-run.sh --debug $(or $(PORT),3333) $(BOARD_QEMU) $(DEMO_ELF)
endif

clean:
	rm -rf $(BUILD)

help:
	@echo "Obol - make targets (BOARD=<name>, default mps2-an385):"
	@echo "  run     build the demo and run it under QEMU (QEMU boards)"
	@echo "  test    host tests with sanitizers, then every QEMU board, then the flash path"
	@echo "  bench   instruction-exact benchmarks under QEMU -icount"
	@echo "  flash   program a board: openocd by default, or GDB=host:port for any GDB server"
	@echo "  size    flash and RAM use of the image"
	@echo "  lib     build/<board>/libobol.a (runtime) and libk.a (kernel)"
	@echo "  debug   QEMU halted with a GDB server on 127.0.0.1:PORT (default 3333)"
	@echo "  clean   remove build/"
	@echo "Options: V=1 (verbose), OPT=-Os, CHECKED=0 (release runtime)"
	@echo "QEMU boards:        $(QEMU_BOARDS)"
	@echo "Development boards: $(DEV_BOARDS)"
