#include "forward/stand_in_certificate.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/c_ptr.h"

namespace c2audit {
namespace {

constexpr long kValidSeconds = 10L * 365 * 24 * 3600;

using Key = CPtr<EVP_PKEY, EVP_PKEY_free>;
using Cert = CPtr<X509, X509_free>;
using Bio = CPtr<BIO, BIO_free_all>;

Result<Cert> self_signed(EVP_PKEY* key) {
  Cert cert(X509_new());
  X509_NAME* name = cert ? X509_get_subject_name(cert.get()) : nullptr;
  bool ok = name && X509_set_version(cert.get(), 2) &&
            ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidSeconds) &&
            X509_set_pubkey(cert.get(), key) &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char*>("c2auditd forwarder"), -1, -1, 0) &&
            X509_set_issuer_name(cert.get(), name) && X509_sign(cert.get(), key, EVP_sha256()) > 0;
  if (!ok) return fail("stand-in client certificate: OpenSSL could not make it");
  return cert;
}

// A memfd holding what `write` puts into a memory BIO.
template <typename Write>
Result<FileDescriptor> memfd_of(const char* name, Write write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || !write(bio.get())) return fail(fmt::format("{}: OpenSSL could not write it", name));
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  FileDescriptor fd(::memfd_create(name, MFD_CLOEXEC));
  if (!fd.valid()) return fail(fmt::format("{}: memfd_create: {}", name, std::strerror(errno)));
  if (::write(fd.get(), data, static_cast<size_t>(size)) != size) {
    return fail(fmt::format("{}: write: {}", name, std::strerror(errno)));
  }
  return fd;
}

}  // namespace

Result<StandInCertificate> StandInCertificate::make() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return fail("stand-in client key: OpenSSL could not make it");
  auto cert = self_signed(key.get());
  if (!cert) return tl::unexpected(cert.error());
  StandInCertificate made;
  auto key_fd = memfd_of("c2auditd-forward-key", [&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  if (!key_fd) return tl::unexpected(key_fd.error());
  auto cert_fd = memfd_of("c2auditd-forward-cert", [&](BIO* b) { return PEM_write_bio_X509(b, cert->get()) == 1; });
  if (!cert_fd) return tl::unexpected(cert_fd.error());
  made.key_ = std::move(*key_fd);
  made.cert_ = std::move(*cert_fd);
  return made;
}

std::string StandInCertificate::cert_path() const { return fmt::format("/proc/self/fd/{}", cert_.get()); }
std::string StandInCertificate::key_path() const { return fmt::format("/proc/self/fd/{}", key_.get()); }

}  // namespace c2audit
