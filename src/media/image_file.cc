#include "media/image_file.h"

#include <cstdio>
#include <memory>

#include "core/error.h"
#include "media/av_handles.h"

extern "C" {
#include <libswscale/swscale.h>
}

namespace yv::media {
namespace {

[[noreturn]] void storage_error(const std::filesystem::path& path, const std::string& why) {
  throw Error("storage_error", "cannot write the image " + path.string() + ": " + why, 507);
}

struct SwsFreer {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};

}  // namespace

void write_image(const std::filesystem::path& path, const BgrImage& image) {
  const auto ext = path.extension().string();
  const bool jpeg = ext == ".jpg" || ext == ".jpeg";
  // JPEG as full-range YUV without chroma subsampling: coloured glyph edges stay sharp for OCR. PNG takes
  // RGB.
  const AVPixelFormat format = jpeg ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_RGB24;
  const AVCodec* codec = avcodec_find_encoder(jpeg ? AV_CODEC_ID_MJPEG : AV_CODEC_ID_PNG);
  if (!codec) storage_error(path, "no encoder");
  CodecPtr encoder(avcodec_alloc_context3(codec));
  FramePtr frame(av_frame_alloc());
  PacketPtr packet(av_packet_alloc());
  if (!encoder || !frame || !packet) storage_error(path, "out of memory");
  encoder->width = image.width;
  encoder->height = image.height;
  encoder->pix_fmt = format;
  encoder->color_range = AVCOL_RANGE_JPEG;
  encoder->time_base = {1, 25};
  if (jpeg) {
    // A fixed quantiser of 2 (of 1-31): near-lossless, as OCR needs sharp glyph edges.
    encoder->flags |= AV_CODEC_FLAG_QSCALE;
    encoder->global_quality = FF_QP2LAMBDA * 2;
    encoder->qmin = encoder->qmax = 2;
  }
  if (int err = avcodec_open2(encoder.get(), codec, nullptr); err < 0) storage_error(path, av_message(err));

  frame->format = format;
  frame->width = image.width;
  frame->height = image.height;
  frame->color_range = AVCOL_RANGE_JPEG;
  if (jpeg) frame->quality = encoder->global_quality;
  if (int err = av_frame_get_buffer(frame.get(), 0); err < 0) storage_error(path, av_message(err));
  std::unique_ptr<SwsContext, SwsFreer> sws(sws_getContext(image.width, image.height, AV_PIX_FMT_BGR24,
                                                           image.width, image.height, format, SWS_BILINEAR,
                                                           nullptr, nullptr, nullptr));
  if (!sws) storage_error(path, "unsupported picture size");
  const int* bt601 = sws_getCoefficients(SWS_CS_ITU601);
  sws_setColorspaceDetails(sws.get(), bt601, 1, bt601, 1, 0, 1 << 16, 1 << 16);  // full range in and out
  const uint8_t* src[1] = {image.bgr};
  const int src_stride[1] = {image.stride};
  sws_scale(sws.get(), src, src_stride, 0, image.height, frame->data, frame->linesize);

  if (avcodec_send_frame(encoder.get(), frame.get()) < 0 || avcodec_send_frame(encoder.get(), nullptr) < 0 ||
      avcodec_receive_packet(encoder.get(), packet.get()) < 0) {
    storage_error(path, "the encoder failed");
  }
  const auto partial = path.string() + ".partial";
  std::FILE* out = std::fopen(partial.c_str(), "wb");
  if (!out) storage_error(path, "cannot create the file");
  const bool written = std::fwrite(packet->data, 1, size_t(packet->size), out) == size_t(packet->size);
  if (std::fclose(out) != 0 || !written) {
    std::remove(partial.c_str());
    storage_error(path, "the disk refused the data");
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) storage_error(path, ec.message());
}

}  // namespace yv::media
