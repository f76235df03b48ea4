// SigV4 against the worked examples of AWS's S3 documentation ("Signature Calculations for the Authorization
// Header" and "Query String Authentication"), which use this example key pair.
#include "storage/sigv4.h"

#include <gtest/gtest.h>

namespace yv::storage {
namespace {

const Credentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"};
const std::string kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// A GET of the examples' bucket at the examples' time.
SignedRequest example_get(std::string path) {
  SignedRequest r;
  r.method = "GET";
  r.host = "examplebucket.s3.amazonaws.com";
  r.path = std::move(path);
  r.amz_date = "20130524T000000Z";
  return r;
}

TEST(SigV4, GetObjectWithRange) {
  SignedRequest r = example_get("/test.txt");
  r.headers = {{"range", "bytes=0-9"}};
  r.payload_hash = kEmptyHash;
  const auto h = sign(r, kExample);
  EXPECT_EQ(h.at("Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(h.at("x-amz-content-sha256"), kEmptyHash);
}

TEST(SigV4, ListObjectsQueryIsSortedAndEncoded) {
  SignedRequest r = example_get("/");
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};
  r.payload_hash = kEmptyHash;
  r.amz_date = "20130524T000000Z";
  EXPECT_NE(sign(r, kExample)
                .at("Authorization")
                .find("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
            std::string::npos);
}

TEST(SigV4, PresignedGet) {
  SignedRequest r = example_get("/test.txt");
  const std::string q = presign_query(r, kExample, 86400);
  EXPECT_NE(q.find("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
            std::string::npos)
      << q;
  EXPECT_NE(q.find("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"),
            std::string::npos);
}

TEST(SigV4, UriEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(uri_encode("a b/c~d.e_f-g$h", true), "a%20b/c~d.e_f-g%24h");
  EXPECT_EQ(uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(uri_encode("视频", true), "%E8%A7%86%E9%A2%91");
  EXPECT_EQ(sha256_hex(""), kEmptyHash);
  EXPECT_EQ(amz_now().size(), 16u);
}

}  // namespace
}  // namespace yv::storage
