// c2audit-uring-open: opens a file through io_uring (IORING_OP_OPENAT), no
// open system call at all, and prints {"pid": P, "res": R}: R is the fd (or
// -errno), or the slot for an open into a fixed-file slot.
//
//   c2audit-uring-open PATH          an fd
//   c2audit-uring-open PATH fixed    fixed-file slot 0 of the ring
//   c2audit-uring-open PATH write    O_WRONLY|O_TRUNC
#include <fcntl.h>
#include <liburing.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string_view>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: c2audit-uring-open PATH [fixed|write]\n");
    return 2;
  }
  std::string_view mode = argc == 3 ? argv[2] : "";
  io_uring ring;
  if (int err = io_uring_queue_init(4, &ring, 0); err < 0) {
    std::fprintf(stderr, "io_uring_queue_init: %s\n", std::strerror(-err));
    return 1;
  }
  bool fixed = mode == "fixed";
  if (fixed) {
    if (int err = io_uring_register_files_sparse(&ring, 1); err < 0) {
      std::fprintf(stderr, "io_uring_register_files_sparse: %s\n", std::strerror(-err));
      return 1;
    }
  }
  int flags = mode == "write" ? O_WRONLY | O_TRUNC : O_RDONLY;
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  if (fixed) {
    io_uring_prep_openat_direct(sqe, AT_FDCWD, argv[1], flags, 0, 0);
  } else {
    io_uring_prep_openat(sqe, AT_FDCWD, argv[1], flags, 0);
  }
  io_uring_submit(&ring);
  io_uring_cqe* cqe = nullptr;
  if (int err = io_uring_wait_cqe(&ring, &cqe); err < 0) {
    std::fprintf(stderr, "io_uring_wait_cqe: %s\n", std::strerror(-err));
    return 1;
  }
  int res = cqe->res;
  io_uring_cqe_seen(&ring, cqe);
  std::printf("{\"pid\": %d, \"res\": %d}\n", getpid(), res);
  if (res >= 0 && !fixed) close(res);
  io_uring_queue_exit(&ring);
  return 0;
}
