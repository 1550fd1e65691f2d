// Building gateway URLs (gateway-spec.md §1.4).
#include "core/gateway_url.hpp"

namespace gatehouse::core {

std::string normalize_gateway_base(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  while (url.ends_with('/')) {
    url.remove_suffix(1);
  }
  return std::string(url);
}

std::string gateway_url(std::string_view base, int api_version, transport_compression c) {
  // READY's resume_gateway_url has been seen without the trailing slash (§1.4).
  std::string url = normalize_gateway_base(base);
  url += "/?v=";
  url += std::to_string(api_version);
  url += "&encoding=json";
  switch (c) {
    case transport_compression::none:
      break;
    case transport_compression::zlib_stream:
      url += "&compress=zlib-stream";
      break;
    case transport_compression::zstd_stream:
      url += "&compress=zstd-stream";
      break;
  }
  return url;
}

}  // namespace gatehouse::core
