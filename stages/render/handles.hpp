// Owning handles for the C libraries the renderer uses. Every FreeType, HarfBuzz,
// fontconfig and ICU object lives in one of these, so an exception thrown half-way
// through building a font or a layout leaks nothing.
#pragma once

#include <fontconfig/fontconfig.h>
#include <ft2build.h>

#include <memory>
#include FT_FREETYPE_H
#include <hb.h>
#include <unicode/ubidi.h>

namespace pipectl::render {

template <auto destroy>
struct CDeleter {
  template <class T>
  void operator()(T* object) const noexcept {
    if (object) destroy(object);
  }
};

using FtLibraryHandle = std::unique_ptr<FT_LibraryRec_, CDeleter<FT_Done_FreeType>>;
using FtFaceHandle = std::unique_ptr<FT_FaceRec_, CDeleter<FT_Done_Face>>;
using HbBlobHandle = std::unique_ptr<hb_blob_t, CDeleter<hb_blob_destroy>>;
using HbFaceHandle = std::unique_ptr<hb_face_t, CDeleter<hb_face_destroy>>;
using HbFontHandle = std::unique_ptr<hb_font_t, CDeleter<hb_font_destroy>>;
using HbBufferHandle = std::unique_ptr<hb_buffer_t, CDeleter<hb_buffer_destroy>>;
using FcPatternHandle = std::unique_ptr<FcPattern, CDeleter<FcPatternDestroy>>;
using FcCharSetHandle = std::unique_ptr<FcCharSet, CDeleter<FcCharSetDestroy>>;
using FcFontSetHandle = std::unique_ptr<FcFontSet, CDeleter<FcFontSetDestroy>>;
using UBiDiHandle = std::unique_ptr<UBiDi, CDeleter<ubidi_close>>;

}  // namespace pipectl::render
