/*
 * contender_spdlog.cpp -- spdlog's asynchronous logger as a contender: one
 * worker thread, a queue of 8192 messages (spdlog's default), the overflow
 * policy "block" (spdlog's default), a basic_file_sink_mt and spdlog's
 * default pattern "[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v".
 *
 * spdlog's flush() on an async logger only queues a request, so drain()
 * destroys the logger and its thread pool: the worker writes every queued
 * message before it exits, and the sink closes the file.
 */
#include <memory>
#include <new>

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

extern "C" {
#include "bench.h"
}

namespace {

struct state {
  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::shared_ptr<spdlog::async_logger> logger;
};

int sp_open(void **st, const char *path, int, const char **why) {
  try {
    auto s = new state;
    s->pool = std::make_shared<spdlog::details::thread_pool>(8192, 1);
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
    s->logger = std::make_shared<spdlog::async_logger>(
        "bench", sink, s->pool, spdlog::async_overflow_policy::block);
    *st = s;
    return 0;
  } catch (...) {
    *why = "spdlog threw while opening";
    return -1;
  }
}

void sp_log(void *st, int i) {
  static_cast<state *>(st)->logger->info("request {} from {} took {:.3f} ms", i, BENCH_HOST,
                                         i * 0.001);
}

int sp_drain(void *st) {
  auto s = static_cast<state *>(st);
  try {
    s->logger.reset();
    s->pool.reset();
  } catch (...) {
    return -1;
  }
  return 0;
}

uint64_t sp_dropped(void *st) {
  auto s = static_cast<state *>(st);
  return s->pool ? s->pool->overrun_counter() : 0;
}

void sp_close(void *st) {
  auto s = static_cast<state *>(st);
  sp_drain(s);
  delete s;
}

}  // namespace

extern "C" const bench_contender_t bench_spdlog = {
    "spdlog-async", "spdlog 1.x async_logger, block policy, basic_file_sink_mt", 1,
    sp_open, sp_log, sp_drain, sp_dropped, sp_close};
