// The WebSocket URL a shard connects to: a base URL plus the version, encoding
// and compression query (gateway-spec.md §1.4).
#pragma once

#include <string>
#include <string_view>

#include "core/shard_options.hpp"

namespace gatehouse::core {

// The base without query and trailing slashes: "wss://gateway.discord.gg/?v=9"
// and "wss://gateway.discord.gg" both give "wss://gateway.discord.gg".
std::string normalize_gateway_base(std::string_view url);

// "<base>/?v=10&encoding=json[&compress=zlib-stream|zstd-stream]". A resume
// uses the same query as the identify it continues (§1.4), which this gives as
// long as the options are the same.
std::string gateway_url(std::string_view base, int api_version, transport_compression c);

}  // namespace gatehouse::core
