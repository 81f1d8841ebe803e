# Builds BPF objects with clang -target bpf against a vmlinux.h generated at
# build time from the running kernel's BTF, and turns each into a libbpf
# skeleton header with bpftool.
find_program(CLANG_BPF clang REQUIRED)
find_program(BPFTOOL bpftool PATHS /usr/sbin /sbin REQUIRED)
set(C2AUDIT_VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "Kernel BTF to generate vmlinux.h from")

set(BPF_GEN_DIR ${CMAKE_BINARY_DIR}/bpf-gen)
file(MAKE_DIRECTORY ${BPF_GEN_DIR})

# A custom command's output is only visible to targets in the same directory,
# so vmlinux.h gets a target of its own that every skeleton depends on.
add_custom_command(
  OUTPUT ${BPF_GEN_DIR}/vmlinux.h
  COMMAND ${BPFTOOL} btf dump file ${C2AUDIT_VMLINUX_BTF} format c > ${BPF_GEN_DIR}/vmlinux.h
  COMMENT "Generating vmlinux.h from ${C2AUDIT_VMLINUX_BTF}")
add_custom_target(vmlinux_h DEPENDS ${BPF_GEN_DIR}/vmlinux.h)

# bpf_skeleton(<name> <source.bpf.c> [headers...]) -> ${BPF_GEN_DIR}/<name>.skel.h
function(bpf_skeleton name source)
  set(obj ${BPF_GEN_DIR}/${name}.bpf.o)
  set(skel ${BPF_GEN_DIR}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${CLANG_BPF} -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror
            -I${BPF_GEN_DIR} -I${CMAKE_SOURCE_DIR}/include -I${CMAKE_CURRENT_SOURCE_DIR}
            -c ${source} -o ${obj}
    DEPENDS ${source} ${ARGN} vmlinux_h ${CMAKE_SOURCE_DIR}/include/c2audit/wire.h
    COMMENT "Compiling BPF ${name}")
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}
    DEPENDS ${obj}
    COMMENT "Generating BPF skeleton ${name}")
  add_custom_target(${name}_skel DEPENDS ${skel})
  add_dependencies(${name}_skel vmlinux_h)
endfunction()
