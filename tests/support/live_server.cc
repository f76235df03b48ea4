#include "support/live_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support/fixtures.h"

namespace yv::test {
namespace fs = std::filesystem;

LiveServer::LiveServer(const std::string& name, Options options)
    : options_(std::move(options)), dir_(scratch_path(name)), port_(free_port()) {
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  start();
}

LiveServer::~LiveServer() {
  EXPECT_EQ(stop(SIGTERM), 0) << "serve did not shut down cleanly; see " << (dir_ / "serve.log");
  if (!::testing::Test::HasFailure()) fs::remove_all(dir_);
}

void LiveServer::start() {
  std::vector<std::string> argv = options_.command_prefix;
  argv.insert(argv.end(), {YIVIDEO_BIN, "serve", "--host", options_.host, "--port", std::to_string(port_),
                           "--workers", std::to_string(options_.workers), "--backend", backend()});
  argv.insert(argv.end(), options_.args.begin(), options_.args.end());
  if (options_.lease_seconds > 0) {
    argv.push_back("--lease");
    argv.push_back(std::to_string(options_.lease_seconds));
  }
  const std::string roots = fs::path(shared_fixture("jfk.wav")).parent_path().string() + ":" +
                            fs::path(synth_fixture("meeting.wav")).parent_path().string();
  std::vector<std::string> env = {"YIVIDEO_ALLOWED_ROOTS=" + roots,
                                  "YIVIDEO_DATA_DIR=" + (dir_ / "data").string(), "TMPDIR=" + dir_.string()};
  env.insert(env.end(), options_.env.begin(), options_.env.end());
  process_ = std::make_unique<ChildProcess>(argv, env, (dir_ / "serve.log").string());
  httplib::Client probe(options_.host, port_);
  for (int i = 0; i < 400 && !probe.Get("/"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
}

int LiveServer::stop(int sig) {
  if (!process_) return 0;
  const int status = process_->stop(sig);
  process_.reset();
  return status;
}

std::vector<pid_t> LiveServer::worker_pids() const {
  std::vector<pid_t> pids;
  if (!process_) return pids;
  const std::string self = std::to_string(process_->pid());
  // The pool forks from its supervisor thread, so look at every thread's children.
  for (const auto& task : fs::directory_iterator("/proc/" + self + "/task")) {
    std::ifstream list(task.path() / "children");
    for (pid_t pid; list >> pid;) pids.push_back(pid);
  }
  return pids;
}

std::string LiveServer::raw(const std::string& bytes, double wait_seconds) const {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port_));
  inet_pton(AF_INET, options_.host.c_str(), &addr.sin_addr);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    timeval timeout{long(wait_seconds), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, size_t(n));
  }
  close(fd);
  return answer;
}

nlohmann::json LiveServer::call(const std::string& method, const std::string& path, const std::string& body,
                                int expected_status) const {
  httplib::Client client(options_.host, port_);
  client.set_read_timeout(30);
  httplib::Result res = method == "GET"      ? client.Get(path.c_str())
                        : method == "DELETE" ? client.Delete(path.c_str())
                                             : client.Post(path.c_str(), body, "application/json");
  EXPECT_TRUE(res) << method << " " << path << ": no answer";
  if (!res) return nullptr;
  EXPECT_EQ(res->status, expected_status) << method << " " << path << ": " << res->body;
  const auto parsed = nlohmann::json::parse(res->body, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << res->body;
  if (res->status >= 400) {
    EXPECT_TRUE(parsed.contains("detail") && parsed.contains("code")) << res->body;
  }
  return parsed;
}

nlohmann::json LiveServer::wait_settled(const std::string& path, double seconds) const {
  nlohmann::json s;
  for (int i = 0; i < int(seconds * 10); ++i) {
    s = get(path);
    if (s["status"] != "pending" && s["status"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return s;
}

}  // namespace yv::test
