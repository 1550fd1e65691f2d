// Test support: a throwaway certificate authority and leaf certificates made with OpenSSL at
// run time, so that TLS tests need no files in the repository and never expire.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace gatehouse::transport::testing {

struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

struct leaf_spec {
  std::string subject_alt_names = "DNS:localhost,IP:127.0.0.1";
  long valid_from_s = -3600;  // relative to now
  long valid_until_s = 86400;
};

class test_ca {
 public:
  test_ca() : key_(EVP_EC_gen("P-256")) {
    cert_ = make(key_.get(), nullptr, "gatehouse test ca", "critical,CA:TRUE", "", -3600, 86400);
  }

  // PEM of the CA certificate, as a CA file holds it.
  std::string pem() const { return to_pem(cert_.get()); }

  // A leaf certificate signed by this CA and its key, both PEM.
  std::pair<std::string, std::string> issue(const leaf_spec& spec) {
    pkey_ptr key(EVP_EC_gen("P-256"));
    auto cert = make(key.get(), this, "gatehouse test gateway", "CA:FALSE", spec.subject_alt_names,
                     spec.valid_from_s, spec.valid_until_s);

    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    return {to_pem(cert.get()), drain(bio)};
  }

 private:
  x509_ptr make(EVP_PKEY* key, test_ca* issuer, const char* cn, const char* constraints,
                const std::string& alt_names, long from_s, long until_s) {
    x509_ptr x(X509_new());
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), ++serial_);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), from_s);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), until_s);
    X509_set_pubkey(x.get(), key);
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509* signer = issuer ? issuer->cert_.get() : x.get();
    X509_set_issuer_name(x.get(), X509_get_subject_name(signer));

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, signer, x.get(), nullptr, nullptr, 0);
    add_extension(x.get(), ctx, NID_basic_constraints, constraints);
    if (!alt_names.empty()) {
      add_extension(x.get(), ctx, NID_subject_alt_name, alt_names.c_str());
    }
    if (issuer == nullptr) {
      add_extension(x.get(), ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    X509_sign(x.get(), issuer ? issuer->key_.get() : key, EVP_sha256());
    return x;
  }

  static void add_extension(X509* x, X509V3_CTX& ctx, int nid, const char* value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) {
      throw std::runtime_error("bad test certificate extension");
    }
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }

  static std::string to_pem(X509* x) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, x);
    return drain(bio);
  }

  static std::string drain(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
  }

  pkey_ptr key_;
  x509_ptr cert_;
  long serial_ = 0;
};

}  // namespace gatehouse::transport::testing
