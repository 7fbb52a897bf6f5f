// A STREAM-like triad (a[i] = b[i] + s * c[i]) over arrays far larger than the caches,
// with N threads each on its own slice: the memory bandwidth that bounds generation
// speed. Prints one JSON object: {"threads", "bytes_per_pass", "best_gbps", "mean_gbps"}.
//
//   bench_triad [threads=2] [mib_per_array=256] [passes=10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2;
  const size_t mib = argc > 2 ? std::max(16, std::atoi(argv[2])) : 256;
  const int passes = argc > 3 ? std::max(2, std::atoi(argv[3])) : 10;
  const size_t n = mib * 1024 * 1024 / sizeof(double);
  std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
  auto run = [&](auto&& body) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { body(n * t / threads, n * (t + 1) / threads); });
    for (auto& th : pool) th.join();
  };
  // First touch from the threads that will use each page.
  run([&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) a[i] = 0, b[i] = 1, c[i] = 2;
  });
  const double scalar = 3;
  double best = 0, sum = 0;
  for (int p = 0; p < passes; ++p) {
    const auto start = std::chrono::steady_clock::now();
    run([&](size_t begin, size_t end) {
      double* __restrict pa = a.get();
      const double* __restrict pb = b.get();
      const double* __restrict pc = c.get();
      for (size_t i = begin; i < end; ++i) pa[i] = pb[i] + scalar * pc[i];
    });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double gbps = 3.0 * n * sizeof(double) / s / 1e9;
    if (p > 0) best = std::max(best, gbps), sum += gbps;  // pass 0 warms up
  }
  std::printf("{\"threads\": %d, \"bytes_per_pass\": %zu, \"best_gbps\": %.2f, \"mean_gbps\": %.2f, \"check\": %.1f}\n",
              threads, 3 * n * sizeof(double), best, sum / (passes - 1), a[n / 2]);
  return 0;
}
