// Test certificates made with OpenSSL's X509 API.
#include "certificates.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace gatehouse::integration {

namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("test certificate: ") + what);
  }
}

key_ptr make_key() {
  key_ptr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  check(key != nullptr, "key generation failed");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `common_name`; self-signed when `issuer` is null.
cert_ptr make_cert(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key,
                   std::chrono::hours from, std::chrono::hours to, long serial) {
  cert_ptr cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), std::chrono::seconds(from).count());
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), std::chrono::seconds(to).count());
  X509_set_pubkey(cert.get(), key);

  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  return cert;
}

std::string cert_pem(X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "cannot write certificate");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string key_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "cannot write key");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

test_chain make_chain(std::string_view subject_alt_name, std::chrono::hours from,
                      std::chrono::hours to) {
  // The CA: self-signed, allowed to sign.
  auto ca_key = make_key();
  auto ca = make_cert(ca_key.get(), "gatehouse test CA", nullptr, nullptr, -48h, 24h * 365, 1);
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "cannot sign the CA");

  // The leaf: named by its subjectAltName, which is what verification checks.
  auto leaf_key = make_key();
  auto leaf =
      make_cert(leaf_key.get(), "gatehouse test gateway", ca.get(), ca_key.get(), from, to, 2);
  const std::string san(subject_alt_name);
  add_extension(leaf.get(), ca.get(), NID_subject_alt_name, san.c_str());
  add_extension(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  check(X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) > 0, "cannot sign the leaf");

  test_chain chain;
  chain.ca = {cert_pem(ca.get()), key_pem(ca_key.get())};
  chain.leaf = {cert_pem(leaf.get()), key_pem(leaf_key.get())};
  return chain;
}

std::string write_temp_file(std::string_view stem, std::string_view content) {
  static std::atomic<int> next{0};
  const auto path =
      std::filesystem::temp_directory_path() / ("gatehouse-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(next++) + "-" + std::string(stem));
  std::ofstream out(path, std::ios::binary);
  out << content;
  return path.string();
}

}  // namespace gatehouse::integration
