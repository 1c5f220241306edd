//! Uploaded images, made safe to serve: the format is sniffed from the bytes (never from a name
//! or a header), the image is decoded in full within limits, and written again from its pixels,
//! so nothing but the picture survives: no EXIF (GPS, camera serials), no XMP, no comments, and
//! no bytes of another file type appended to it. A JPEG's EXIF orientation is applied to the
//! pixels first, so photos keep their way up.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Widest and tallest image accepted, in pixels.
const MAX_SIDE: u32 = 8000;
/// Most pixels in a still image (a 24-megapixel photo fits).
const MAX_PIXELS: u64 = 25_000_000;
/// Most memory one decoded picture may take (the image crate checks its side buffers against
/// this; the picture itself is checked here, before it is allocated).
const MAX_DECODE_BYTES: u64 = 128 * 1024 * 1024;
/// Most frames in an animated GIF, and most pixels over all its frames: every frame is
/// decoded and written again, so this bounds the work a small file can ask for.
const MAX_GIF_FRAMES: usize = 2000;
const MAX_GIF_PIXELS: u64 = 50_000_000;
/// Quality of JPEGs written again (visually lossless for photos and figures).
const JPEG_QUALITY: u8 = 90;

/// An image ready to store.
#[derive(Debug)]
pub struct Cleaned {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Why an upload is not an image we take.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("Upload a PNG, JPEG, GIF or WebP image; this file is none of them.")]
    NotAnImage,
    #[error("The image could not be read ({0}); upload a PNG, JPEG, GIF or WebP image.")]
    Broken(String),
    #[error(
        "The image is too large: at most {MAX_SIDE} pixels a side and 25 megapixels (an animated GIF: 50 megapixels over all its frames)."
    )]
    TooLarge,
}

/// Sniffs, decodes and writes the image again without metadata. CPU-bound: call off the
/// async workers.
pub fn clean(bytes: &[u8]) -> Result<Cleaned, Refused> {
    let format = image::guess_format(bytes).map_err(|_| Refused::NotAnImage)?;
    match format {
        ImageFormat::Gif => clean_gif(bytes),
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP => clean_still(bytes, format),
        _ => Err(Refused::NotAnImage),
    }
}

fn clean_still(bytes: &[u8], format: ImageFormat) -> Result<Cleaned, Refused> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(Refused::TooLarge);
    }
    let orientation = decoder.orientation().map_err(refused)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refused)?;
    picture.apply_orientation(orientation);
    let mut out = Vec::with_capacity(bytes.len());
    let (content_type, extension) = match format {
        ImageFormat::Png => {
            picture
                .write_with_encoder(PngEncoder::new(&mut out))
                .map_err(refused)?;
            ("image/png", "png")
        }
        ImageFormat::Jpeg => {
            // JPEG holds grey or RGB; anything else (CMYK arrives as RGB) is written as RGB.
            if !matches!(picture, DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_)) {
                picture = DynamicImage::ImageRgb8(picture.to_rgb8());
            }
            picture
                .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
                .map_err(refused)?;
            ("image/jpeg", "jpg")
        }
        _ => {
            if !matches!(picture, DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_)) {
                picture = DynamicImage::ImageRgba8(picture.to_rgba8());
            }
            picture
                .write_with_encoder(WebPEncoder::new_lossless(&mut out))
                .map_err(refused)?;
            ("image/webp", "webp")
        }
    };
    Ok(Cleaned {
        bytes: out,
        content_type,
        extension,
        width: picture.width(),
        height: picture.height(),
    })
}

/// GIFs are decoded to palette indices and written again frame by frame, so animation and
/// colours stay exact while comments and application extensions (XMP) are left behind.
fn clean_gif(bytes: &[u8]) -> Result<Cleaned, Refused> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    // Frames must lie within the image, so no frame is larger than the checked screen.
    options.check_frame_consistency(true);
    let mut decoder = options.read_info(Cursor::new(bytes)).map_err(gif_refused)?;
    let (width, height) = (decoder.width(), decoder.height());
    if width == 0 || height == 0 || u32::from(width) > MAX_SIDE || u32::from(height) > MAX_SIDE {
        return Err(Refused::TooLarge);
    }
    let palette = decoder.global_palette().unwrap_or_default().to_vec();
    let repeat = decoder.repeat();
    let mut out = Vec::with_capacity(bytes.len());
    {
        let mut encoder = gif::Encoder::new(&mut out, width, height, &palette).map_err(gif_written)?;
        encoder.set_repeat(repeat).map_err(gif_written)?;
        let (mut frames, mut pixels) = (0, 0_u64);
        while let Some(frame) = decoder.read_next_frame().map_err(gif_refused)? {
            frames += 1;
            pixels += u64::from(frame.width) * u64::from(frame.height);
            if frames > MAX_GIF_FRAMES || pixels > MAX_GIF_PIXELS {
                return Err(Refused::TooLarge);
            }
            encoder.write_frame(frame).map_err(gif_written)?;
        }
        if frames == 0 {
            return Err(Refused::Broken("the GIF has no frames".to_owned()));
        }
    }
    Ok(Cleaned {
        bytes: out,
        content_type: "image/gif",
        extension: "gif",
        width: u32::from(width),
        height: u32::from(height),
    })
}

fn refused(err: image::ImageError) -> Refused {
    match err {
        image::ImageError::Limits(_) => Refused::TooLarge,
        other => Refused::Broken(other.to_string()),
    }
}

fn gif_refused(err: gif::DecodingError) -> Refused {
    Refused::Broken(err.to_string())
}

fn gif_written(err: gif::EncodingError) -> Refused {
    Refused::Broken(err.to_string())
}

#[cfg(test)]
mod tests {
    use image::ImageEncoder;

    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::new_rgb8(width, height)
            .write_with_encoder(PngEncoder::new(&mut out))
            .unwrap();
        out
    }

    #[test]
    fn files_of_other_types_are_refused_whatever_their_name() {
        for bytes in [
            &b"<?php system($_GET['c']); ?>"[..],
            b"<html><script>alert(1)</script></html>",
            b"%PDF-1.7",
            b"",
        ] {
            assert!(matches!(clean(bytes), Err(Refused::NotAnImage)), "{bytes:?}");
        }
    }

    #[test]
    fn a_real_header_with_garbage_after_it_is_refused() {
        let mut fake = png(4, 4)[..16].to_vec();
        fake.extend_from_slice(b"<script>alert(1)</script>");
        assert!(matches!(clean(&fake), Err(Refused::Broken(_))));
    }

    #[test]
    fn bytes_appended_to_an_image_do_not_survive() {
        let mut polyglot = png(3, 2);
        polyglot.extend_from_slice(b"<html><script>alert(1)</script>");
        let cleaned = clean(&polyglot).unwrap();
        assert_eq!((cleaned.width, cleaned.height, cleaned.extension), (3, 2, "png"));
        assert!(!String::from_utf8_lossy(&cleaned.bytes).contains("script"));
    }

    #[test]
    fn a_small_file_cannot_ask_for_a_huge_picture() {
        // 7000 × 7000 grey pixels compress 190-fold; 49 megapixels are refused before
        // they are allocated.
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(&vec![0; 7000 * 7000], 7000, 7000, image::ExtendedColorType::L8)
            .unwrap();
        assert!(out.len() < 300_000, "{}", out.len());
        assert!(matches!(clean(&out), Err(Refused::TooLarge)));
    }

    #[test]
    fn a_gif_keeps_its_frames() {
        let mut gif_bytes = Vec::new();
        {
            let mut encoder = gif::Encoder::new(&mut gif_bytes, 2, 2, &[0, 0, 0, 255, 255, 255]).unwrap();
            for index in [0u8, 1] {
                let frame = gif::Frame {
                    width: 2,
                    height: 2,
                    buffer: std::borrow::Cow::Owned(vec![index; 4]),
                    ..gif::Frame::default()
                };
                encoder.write_frame(&frame).unwrap();
            }
        }
        let cleaned = clean(&gif_bytes).unwrap();
        assert_eq!(cleaned.content_type, "image/gif");
        let mut decoder = gif::DecodeOptions::new().read_info(&cleaned.bytes[..]).unwrap();
        let mut frames = 0;
        while decoder.read_next_frame().unwrap().is_some() {
            frames += 1;
        }
        assert_eq!(frames, 2);
    }
}
