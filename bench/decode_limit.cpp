// The decode limit: the bench stream's messages decompressed and parsed in a tight loop with no
// networking, each read as every client reads it (op, t and the counting rule's field). It is
// the ceiling a client's events per CPU-second is compared with. Per compression, one row
// with zlib, zstd and simdjson used directly, and one through gatehouse's own decoding (the
// transport's message decoder and the core's envelope scan).
//
// GATEHOUSE_BENCH_EVENTS sets the events per pass (default 200000). items_per_second is events
// per CPU-second; bytes_per_second counts the uncompressed JSON.
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cli/bench_counting.hpp"
#include "core/envelope.hpp"
#include "gatehouse/client_shard.hpp"
#include "testgw/bench_stream.hpp"
#include "transport/message_buffer.hpp"
#include "transport/message_decoder.hpp"

namespace {

using namespace gatehouse;
using wire = testgw::compression;

constexpr std::size_t padding = simdjson::SIMDJSON_PADDING;

std::uint64_t events_per_pass() {
  const char* text = std::getenv("GATEHOUSE_BENCH_EVENTS");
  const auto n = text == nullptr ? 0 : std::strtoull(text, nullptr, 10);

  return n == 0 ? 200000 : n;
}

// The standalone body of each compression, rendered once and kept for every run.
struct body {
  testgw::bench_messages messages;
  // messages.bytes followed by simdjson's padding, so plain text parses in place
  std::string bytes;
};

const body& body_for(wire kind) {
  static std::map<wire, std::unique_ptr<body>> bodies;
  auto& b = bodies[kind];
  if (!b) {
    const testgw::world w(testgw::world_options{});
    testgw::bench_stream_options options;
    options.events = events_per_pass();
    b = std::make_unique<body>();
    b->messages = testgw::render_bench_messages(w, options, kind, true);
    b->bytes = b->messages.bytes;
    b->bytes.append(padding, ' ');
  }

  return *b;
}

std::string_view message_at(const body& b, std::size_t i) {
  const std::size_t begin = i == 0 ? 0 : b.messages.ends[i - 1];

  return std::string_view(b.bytes).substr(begin, b.messages.ends[i] - begin);
}

// Reads `op`, `t` and the counting rule's field of one whole message; false when any is missing.
bool read_message(simdjson::ondemand::parser& parser, std::string_view text, std::size_t spare,
                  std::uint64_t& seen) {
  auto document = parser.iterate(text.data(), text.size(), text.size() + spare);
  std::string_view t;
  std::int64_t op = 0;
  simdjson::ondemand::object d;
  std::size_t length = 0;
  if (document["t"].get_string().get(t) || document["op"].get_int64().get(op) ||
      document["d"].get_object().get(d) ||
      cli::read_counted_field(d, cli::counted_field_for(t)).get(length)) {
    return false;
  }
  seen += static_cast<std::uint64_t>(op) + t.size() + length;

  return true;
}

// Decompressed output with simdjson's padding after it: the transport's own buffer.
using output_buffer = transport::message_buffer;

// Output room asked for per decompression call.
constexpr std::size_t output_step = 64 * 1024;

// One shared inflate context for the whole stream, as the zlib-stream transport requires. The
// two-byte zlib header is skipped and the rest inflated raw, with no Adler-32 kept: the
// fastest way zlib allows, which the client's inflater also takes.
class zlib_reference {
 public:
  zlib_reference() {
    if (inflateInit2(&z_, -MAX_WBITS) != Z_OK) {
      throw std::runtime_error("inflateInit2 failed");
    }
  }
  ~zlib_reference() { inflateEnd(&z_); }

  void reset() {
    inflateReset(&z_);
    header_read_ = false;
  }

  std::string_view decode(std::string_view in, output_buffer& out) {
    out.clear();
    if (!header_read_) {
      in.remove_prefix(2);
      header_read_ = true;
    }
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    do {
      const auto space = out.prepare(output_step);
      const std::size_t room = space.size();
      z_.next_out = reinterpret_cast<Bytef*>(space.data());
      z_.avail_out = static_cast<uInt>(room);
      const int status = inflate(&z_, Z_SYNC_FLUSH);
      if (status != Z_OK && status != Z_BUF_ERROR && status != Z_STREAM_END) {
        throw std::runtime_error("inflate failed");
      }
      out.commit(room - z_.avail_out);
    } while (z_.avail_in > 0 || z_.avail_out == 0);

    return out.view();
  }

 private:
  z_stream z_{};
  bool header_read_ = false;
};

// One streaming decompression context, flushed per message by the sender.
class zstd_reference {
 public:
  zstd_reference() : d_(ZSTD_createDCtx()) {}
  ~zstd_reference() { ZSTD_freeDCtx(d_); }

  void reset() { ZSTD_DCtx_reset(d_, ZSTD_reset_session_only); }

  std::string_view decode(std::string_view in, output_buffer& out) {
    out.clear();
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    bool full = false;
    do {
      const auto space = out.prepare(output_step);
      ZSTD_outBuffer output{space.data(), space.size(), 0};
      const std::size_t status = ZSTD_decompressStream(d_, &output, &input);
      if (ZSTD_isError(status)) {
        throw std::runtime_error(ZSTD_getErrorName(status));
      }
      out.commit(output.pos);
      full = output.pos == output.size;
    } while (input.pos < input.size || full);

    return out.view();
  }

 private:
  ZSTD_DCtx* d_;
};

void finish(benchmark::State& state, const body& b, std::uint64_t seen, std::uint64_t failed) {
  benchmark::DoNotOptimize(seen);
  if (failed > 0) {
    state.SkipWithError("a message could not be read");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(b.messages.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(b.messages.json_bytes));
}

void reference_none(benchmark::State& state) {
  const body& b = body_for(wire::none);
  simdjson::ondemand::parser parser;
  std::uint64_t seen = 0;
  std::uint64_t failed = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < b.messages.size(); ++i) {
      const auto text = message_at(b, i);
      const std::size_t spare = b.bytes.size() - b.messages.ends[i];
      failed += read_message(parser, text, spare, seen) ? 0 : 1;
    }
  }
  finish(state, b, seen, failed);
}

template <typename Reference>
void reference_compressed(benchmark::State& state, wire kind) {
  const body& b = body_for(kind);
  simdjson::ondemand::parser parser;
  Reference decoder;
  output_buffer out;
  std::uint64_t seen = 0;
  std::uint64_t failed = 0;
  for (auto _ : state) {
    decoder.reset();
    for (std::size_t i = 0; i < b.messages.size(); ++i) {
      const auto text = decoder.decode(message_at(b, i), out);
      failed += read_message(parser, text, padding, seen) ? 0 : 1;
    }
  }
  finish(state, b, seen, failed);
}

// Each compression as the gateway renders it and as the client's decoder is told.
struct compression_row {
  std::string_view name;
  wire on_wire;
  core::transport_compression client;
};

constexpr std::array<compression_row, 3> compressions{{
    {"none", wire::none, core::transport_compression::none},
    {"zlib-stream", wire::zlib_stream, core::transport_compression::zlib_stream},
    {"zstd-stream", wire::zstd_stream, core::transport_compression::zstd_stream},
}};

// The client's path: the connection's decoder, the core's envelope scan, then the application's
// parse of `d` (dispatch_event::parse, as the application calls it) and the read of its field.
void through_gatehouse(benchmark::State& state, const compression_row& row) {
  const body& b = body_for(row.on_wire);
  const bool binary = row.on_wire != wire::none;
  core::envelope_scanner scanner;
  simdjson::ondemand::parser parser;
  std::uint64_t seen = 0;
  std::uint64_t failed = 0;
  for (auto _ : state) {
    transport::message_decoder decoder(row.client, 64 * 1024 * 1024);
    for (std::size_t i = 0; i < b.messages.size(); ++i) {
      std::error_code ec;
      const auto spare = binary ? 0 : b.bytes.size() - b.messages.ends[i];
      const auto message = decoder.decode(message_at(b, i), binary, spare, ec);
      if (!message) {
        ++failed;
        continue;
      }
      const auto env = scanner.scan(message->text, message->padding, ec);
      const char* end = message->text.data() + message->text.size() + message->padding;
      const std::size_t data_spare = end - (env.data.data() + env.data.size());
      const dispatch_event event{env.type, env.sequence, 0, env.data, data_spare};
      auto document = event.parse(parser);
      simdjson::ondemand::object d;
      std::size_t length = 0;
      if (ec || document.get_object().get(d) ||
          cli::read_counted_field(d, cli::counted_field_for(env.type)).get(length)) {
        ++failed;
        continue;
      }
      seen += static_cast<std::uint64_t>(env.op) + env.type.size() + length;
    }
  }
  finish(state, b, seen, failed);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }

  benchmark::RegisterBenchmark("reference/none", reference_none)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("reference/zlib-stream", reference_compressed<zlib_reference>,
                               wire::zlib_stream)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("reference/zstd-stream", reference_compressed<zstd_reference>,
                               wire::zstd_stream)
      ->Unit(benchmark::kMillisecond);
  for (const auto& row : compressions) {
    const std::string name = "gatehouse/" + std::string(row.name);
    benchmark::RegisterBenchmark(name.c_str(), through_gatehouse, row)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  return 0;
}
