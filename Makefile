# frontline — the two set-up commands are `make demo` and `make test`.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps build test demo bench clean

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

clean:
	rm -rf $(BUILD) demo-out
