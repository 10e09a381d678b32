// Peer for Climb's language identification (benchmarks/Climb.Benchmarks/Quality/LanguageIdThroughputCommand.cs):
// CLD2 (Debian's libcld2-0 / libcld2-dev, 0.0.0-git20150806) over the texts that command writes, with its cheapest
// entry point (CLD2::DetectLanguage, plain text), on T threads pulling chunks of 256 texts from a shared counter (as
// .NET's Parallel.For does). Input: a file of [uint32 little-endian byte length][UTF-8 bytes] records.
// Output: one line per run with docs/s (wall) and docs per CPU-second; with a third argument, the language code
// CLD2 gave each text (first run), one per line, for the accuracy table.
//   cld2_bench TEXTS.bin [threads=2] [predictions.txt] [runs=3]
// Build: benchmarks/peers/cld2_bench.sh (g++ -O3 -march=native, linked against libcld2).
#include <cstdio>  // before CLD2's header, which uses FILE without including it

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

static double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TEXTS.bin [threads=2] [predictions.txt] [runs=3]\n", argv[0]);
    return 2;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  const char* predictions_path = argc > 3 && argv[3][0] ? argv[3] : nullptr;
  const int runs = argc > 4 ? std::atoi(argv[4]) : 3;

  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  std::vector<std::string> texts;
  uint32_t length;
  while (in.read(reinterpret_cast<char*>(&length), 4)) {
    std::string text(length, '\0');
    if (!in.read(&text[0], length)) {
      std::fprintf(stderr, "%s: truncated record %zu\n", argv[1], texts.size());
      return 2;
    }
    texts.push_back(std::move(text));
  }
  size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  std::printf("cld2: %zu texts, %.1f MB, %d threads\n", texts.size(), bytes / 1e6, threads);

  std::vector<CLD2::Language> result(texts.size());
  for (int run = 1; run <= runs; run++) {
    std::atomic<size_t> next{0};
    const double cpu0 = cpu_seconds();
    const auto wall0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; t++) {
      pool.emplace_back([&] {
        for (;;) {
          const size_t start = next.fetch_add(256);
          if (start >= texts.size()) break;
          const size_t end = std::min(texts.size(), start + 256);
          for (size_t i = start; i < end; i++) {
            bool reliable = false;
            result[i] = CLD2::DetectLanguage(texts[i].data(), static_cast<int>(texts[i].size()), true, &reliable);
          }
        }
      });
    }
    for (auto& th : pool) th.join();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    const double cpu = cpu_seconds() - cpu0;
    std::printf("cld2 run %d: %.0f docs/s wall (%.3f s), %.0f docs per CPU-second\n", run, texts.size() / wall, wall, texts.size() / cpu);
    if (run == 1 && predictions_path) {
      std::ofstream out(predictions_path);
      for (auto language : result) out << CLD2::LanguageCode(language) << '\n';
    }
  }
  return 0;
}
