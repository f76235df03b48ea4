// A few Redis connections shared by the threads that read: each read borrows one for its round trip.
//
// One connection behind a lock served every read of a gateway in turn, so its status route stopped scaling at
// a single round trip in flight (issue 23). Redis answers many connections at once; a pool lets as many reads
// wait for their replies together as there are connections. Connections are opened when first needed (a
// worker or a test that reads from one thread at a time opens one) and kept; each reconnects by itself after
// a loss, as a Client does.
//
// Thread-safe. A reader waits when every connection is lent out.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/redis/redis_client.h"

namespace yv::store::redis {

class ClientPool {
 public:
  // The size when none is given: YIVIDEO_REDIS_READERS, or twice the cores (at least 4), since a read mostly
  // waits on the network, not on this host's cores. Throws yv::Error "invalid_config" for a value that is
  // not a positive number.
  static size_t configured_size();

  // Opens no connection yet. size >= 1.
  ClientPool(std::string url, size_t size);
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  // A connection lent to one thread until it goes out of scope.
  class Lease {
   public:
    Lease(ClientPool& pool, std::unique_ptr<Client> client) : pool_(pool), client_(std::move(client)) {}
    ~Lease() { pool_.give_back(std::move(client_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Client* operator->() { return client_.get(); }

   private:
    ClientPool& pool_;
    std::unique_ptr<Client> client_;
  };

  // An idle connection, a new one while fewer than `size` are open, or the first given back. Throws as
  // Client's constructor does when a new connection cannot be opened.
  Lease borrow();

 private:
  void give_back(std::unique_ptr<Client> client);

  const std::string url_;
  const size_t size_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Client>> idle_;
  size_t open_ = 0;  // connections lent out or idle, and those being opened
};

}  // namespace yv::store::redis
