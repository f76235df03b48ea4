// Issue 15, lower severity: callback and input URL targets in special-purpose ranges (IPv4 inside IPv6,
// NAT64, 6to4, benchmarking, documentation, multicast, broadcast...) were not refused. Each range is tried at
// both of its ends, and the public addresses just outside it must pass. Literal addresses are checked when a
// URL is submitted; names, with the same rules, on the connection (outbound_address_test.cc).
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "net/address_guard.h"

namespace yv::test {
namespace {

// Whether a callback to the literal `address` is refused when private targets are not allowed.
bool refused(const std::string& address) {
  const std::string host = address.find(':') == std::string::npos ? address : "[" + address + "]";
  try {
    net::check_public_url("http://" + host + "/hook", false, "invalid_callback", "callback",
                          "YIVIDEO_CALLBACK_ALLOW_PRIVATE");
    return false;
  } catch (const Error&) {
    return true;
  }
}

TEST(AddressRanges, SpecialPurposeIPv4RangesAreRefusedFromEndToEnd) {
  for (const char* address : {
           "0.0.0.0",         "0.255.255.255",    // "this network"
           "10.0.0.0",        "10.255.255.255",   // private
           "100.64.0.0",      "100.127.255.255",  // carrier-grade NAT
           "127.0.0.0",       "127.255.255.255",  // loopback
           "169.254.0.0",     "169.254.255.255",  // link-local
           "172.16.0.0",      "172.31.255.255",   // private
           "192.0.0.0",       "192.0.0.255",      // IETF protocol assignments
           "192.0.2.0",       "192.0.2.255",      // documentation
           "192.88.99.0",     "192.88.99.255",    // 6to4 relay anycast
           "192.168.0.0",     "192.168.255.255",  // private
           "198.18.0.0",      "198.19.255.255",   // benchmarking
           "198.51.100.0",    "198.51.100.255",   // documentation
           "203.0.113.0",     "203.0.113.255",    // documentation
           "224.0.0.0",       "239.255.255.255",  // multicast
           "240.0.0.0",       "255.255.255.254",  // reserved
           "255.255.255.255",                     // broadcast
       }) {
    EXPECT_TRUE(refused(address)) << address;
  }
}

TEST(AddressRanges, SpecialPurposeIPv6RangesAreRefusedFromEndToEnd) {
  for (const char* address : {
           "::",
           "::1",  // unspecified, loopback
           "::8.8.8.8",
           "::255.255.255.255",  // IPv4-compatible (deprecated)
           "64:ff9b:1::",
           "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",  // local-use NAT64
           "100::",
           "100::ffff:ffff:ffff:ffff",  // discard-only
           "2001::",
           "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",  // IETF protocol assignments
           "2001:0:ffff:ffff:ffff:ffff:ffff:ffff",    // the end of Teredo, in them
           "2001:db8::",
           "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",  // documentation
           "3fff::",
           "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",  // documentation
           "fc00::",
           "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",  // unique local
           "fe80::",
           "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",  // link-local
           "fec0::",
           "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",  // site-local (deprecated)
           "ff00::",
           "ff02::1",
           "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",  // multicast
       }) {
    EXPECT_TRUE(refused(address)) << address;
  }
}

TEST(AddressRanges, IPv6AddressesThatLeadToAnIPv4AddressAreJudgedByIt) {
  for (const char* address : {
           "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:198.18.0.1",   // IPv4-mapped
           "64:ff9b::127.0.0.1", "64:ff9b::a00:1", "64:ff9b::c000:201",  // NAT64
           "2002:7f00:1::1", "2002:c0a8:101::1", "2002:e000::",          // 6to4
       }) {
    EXPECT_TRUE(refused(address)) << address;
  }
  for (const char* address : {"::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"}) {
    EXPECT_FALSE(refused(address)) << address;
  }
}

TEST(AddressRanges, PublicAddressesJustOutsideEachRangePass) {
  for (const char* address : {
           "1.0.0.0",
           "8.8.8.8",
           "9.255.255.255",
           "11.0.0.0",
           "100.63.255.255",
           "100.128.0.0",
           "126.255.255.255",
           "128.0.0.0",
           "169.253.255.255",
           "169.255.0.0",
           "172.15.255.255",
           "172.32.0.0",
           "192.0.1.0",
           "192.0.3.0",
           "192.88.98.255",
           "192.88.100.0",
           "192.167.255.255",
           "192.169.0.0",
           "198.17.255.255",
           "198.20.0.0",
           "198.51.99.255",
           "198.51.101.0",
           "203.0.112.255",
           "203.0.114.0",
           "223.255.255.255",
           "2001:200::",
           "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
           "2001:db9::",
           "2001:4860:4860::8888",
           "2606:4700:4700::1111",
           "2003::",
           "3fff:1000::",
       }) {
    EXPECT_FALSE(refused(address)) << address;
  }
}

}  // namespace
}  // namespace yv::test
