// The transport compression cases (G18, G20): large dispatches over zlib-stream split across
// WebSocket messages, and over zstd-stream with no content size, decode byte for byte, and
// a new connection gets a new decompression context.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <random>
#include <string>

#include "harness.hpp"

namespace gatehouse::integration {
namespace {

namespace json = boost::json;
using testgw::fault_kind;

// A dispatch `d` of about `size` bytes that compresses poorly.
json::value blob(std::size_t size, unsigned seed) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::mt19937 random(seed);
  std::string text(size, ' ');
  for (auto& c : text) {
    c = alphabet[random() % 64];
  }
  return json::object{{"blob", text}, {"seed", seed}};
}

// How many dispatches named `name` the client received.
std::size_t received_count(const recorded_client& c, std::string_view name) {
  std::size_t n = 0;
  for (const auto& d : c.dispatches()) {
    n += d.name == name ? 1 : 0;
  }
  return n;
}

// The client's copy of the dispatch named `name`, the last one.
std::string received_data(const recorded_client& c, std::string_view name) {
  for (auto it = c.dispatches().rbegin(); it != c.dispatches().rend(); ++it) {
    if (it->name == name) {
      return it->data;
    }
  }
  return {};
}

TEST(compression_test, case_g18_split_zlib_messages_decode_byte_identical) {
  loopback net;
  auto options = fast_client(net.gateway);
  options.transport_compression = compression::zlib_stream;
  recorded_client client(net.io, options);
  client.keep_data(true);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.dispatches().size() == 4; }, 5s));

  // Each compressed message cut into 2 to 6 WebSocket messages, sent as 512-byte frames. The
  // small messages (ACKs, short dispatches) cut into 5 or 6 parts split the 00 00 FF FF
  // suffix itself.
  for (int parts = 2; parts <= 6; ++parts) {
    net.gateway.inject({.kind = fault_kind::split_messages, .parts = parts});
    net.gateway.inject({.kind = fault_kind::fragment_frames, .fragment_size = 512});
    const auto big = blob(300 * 1024, static_cast<unsigned>(parts));
    const auto before = client.dispatches().size();
    net.gateway.dispatch("BIG_EVENT", big);
    for (int i = 0; i < 20; ++i) {
      net.gateway.dispatch("SMALL_EVENT", json::object{{"n", i}});
    }
    ASSERT_TRUE(run_until(
        net.io, [&] { return client.dispatches().size() == before + 21; }, 5s))
        << "parts " << parts;
    EXPECT_EQ(received_data(client, "BIG_EVENT"), json::serialize(big)) << "parts " << parts;
    net.gateway.clear_faults();
  }

  // Heartbeats were ACKed throughout: no zombie, no reconnect, nothing broken.
  run_for(net.io, 300ms);
  EXPECT_EQ(client.count(lifecycle_kind::reconnecting), 0u);
  EXPECT_EQ(report::all_violations(net.gateway.report()), 0u);
}

TEST(compression_test, case_g20_zstd_stream_decodes_and_a_new_connection_starts_fresh) {
  loopback net;
  auto options = fast_client(net.gateway);
  options.transport_compression = compression::zstd_stream;
  recorded_client client(net.io, options);
  client.keep_data(true);
  ASSERT_NO_FATAL_FAILURE(start_active(net, client));
  const auto query = report::connections(net.gateway.report())[0].at("query").as_string();
  EXPECT_NE(query.find("compress=zstd-stream"), std::string::npos);

  // Three messages in one stream, one of 1 MB. Counted by name: the guilds' GUILD_CREATEs may
  // still be arriving after READY made the session active.
  const auto big = blob(1024 * 1024, 20);
  net.gateway.dispatch("SMALL_EVENT", json::object{{"n", 1}});
  net.gateway.dispatch("BIG_EVENT", big);
  net.gateway.dispatch("SMALL_EVENT", json::object{{"n", 2}});
  ASSERT_TRUE(run_until(
      net.io,
      [&] {
        return received_count(client, "SMALL_EVENT") == 2 &&
               received_count(client, "BIG_EVENT") == 1;
      },
      5s));
  EXPECT_EQ(received_data(client, "BIG_EVENT"), json::serialize(big));

  // A new connection is a new stream: the resume and what follows decode too.
  net.gateway.inject({.kind = fault_kind::drop});
  ASSERT_TRUE(run_until(
      net.io, [&] { return client.count(lifecycle_kind::resumed) == 1 && client.is_active(); },
      5s));
  const auto again = blob(1024 * 1024, 21);
  net.gateway.dispatch("BIG_EVENT", again);
  ASSERT_TRUE(run_until(
      net.io, [&] { return received_count(client, "BIG_EVENT") == 2; }, 5s));
  EXPECT_EQ(received_data(client, "BIG_EVENT"), json::serialize(again));
  EXPECT_EQ(report::all_violations(net.gateway.report()), 0u);
}

}  // namespace
}  // namespace gatehouse::integration
