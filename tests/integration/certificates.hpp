// Test certificates made on the fly with OpenSSL: a CA and a leaf it signs, with the leaf's
// name and validity chosen by the test (the TLS verification cases of G25).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace gatehouse::integration {

using namespace std::chrono_literals;

struct pem_pair {
  std::string cert;
  std::string key;
};

struct test_chain {
  pem_pair ca;    // self-signed, CA:TRUE
  pem_pair leaf;  // signed by `ca`
};

// `subject_alt_name` is OpenSSL's form: "IP:127.0.0.1" or "DNS:gateway.example.test". The leaf
// is valid from `from` to `to`, both relative to now.
test_chain make_chain(std::string_view subject_alt_name, std::chrono::hours from = -24h,
                      std::chrono::hours to = 24h * 30);

// Writes `content` to a new file under the system's temporary directory; returns its path.
std::string write_temp_file(std::string_view stem, std::string_view content);

}  // namespace gatehouse::integration
