# frontline — the two set-up commands are `make demo` and `make test`.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps build test demo bench fuzz sanitize clean

all: build

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

demo: build
	bash scripts/demo.sh $(BUILD)/frontline

bench: build
	bash bench/classify.sh $(BUILD)/frontline
	bash bench/routing.sh $(BUILD)/frontline
	bash bench/guard.sh $(BUILD)/frontline
	bash bench/knowledge.sh $(BUILD)/frontline
	bash bench/serve.sh $(BUILD)/frontline
	bash bench/tokenize.sh $(BUILD)/frontline
	bash bench/lm.sh $(BUILD)/frontline

# The fuzzers (clang-14 libFuzzer, ASan + UBSan): request bodies and GGUF files, each for
# FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B $(BUILD)-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DFL_FUZZ=ON -DFL_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD)-fuzz -j$(JOBS) --target fuzz_request fuzz_gguf fuzz_guard
	mkdir -p $(BUILD)-fuzz/corpus $(BUILD)-fuzz/gguf-corpus $(BUILD)-fuzz/guard-corpus
	$(BUILD)-fuzz/fuzz_request -max_total_time=$(FUZZ_SECONDS) -max_len=65536 $(BUILD)-fuzz/corpus fuzz/corpus
	$(BUILD)-fuzz/fuzz_gguf -max_total_time=$(FUZZ_SECONDS) -max_len=65536 $(BUILD)-fuzz/gguf-corpus fuzz/gguf-corpus
	$(BUILD)-fuzz/fuzz_guard -max_total_time=$(FUZZ_SECONDS) -max_len=4096 $(BUILD)-fuzz/guard-corpus fuzz/guard-corpus

# The whole test suite built with AddressSanitizer and UndefinedBehaviorSanitizer (about
# ten minutes on two cores; not part of `make test`).
SANITIZE_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all
sanitize: deps
	cmake -S . -B $(BUILD)-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$(SANITIZE_FLAGS)" \
	  -DCMAKE_EXE_LINKER_FLAGS="$(SANITIZE_FLAGS)" >/dev/null
	cmake --build $(BUILD)-sanitize -j$(JOBS)
	cd $(BUILD)-sanitize && ctest --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize $(BUILD)-fuzz demo-out
