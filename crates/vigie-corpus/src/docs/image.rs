//! Small valid images: PNG (stored deflate blocks, so no compressor is needed) and baseline
//! JPEG (grayscale, one flat tone per 8×8 block, so no DCT is needed), with drawings of a
//! scanned signature, a mairie stamp and an identity card.
//!
//! Drawing uses integer arithmetic only: floating-point sines may differ in the last bit
//! between platforms' libm, and the corpus must be byte-identical everywhere.

use crate::rng::Rng;

/// A grayscale or RGB raster.
pub struct Canvas {
    pub w: usize,
    pub h: usize,
    /// 1 (gray) or 3 (RGB) bytes per pixel.
    pub channels: usize,
    pub px: Vec<u8>,
}

impl Canvas {
    pub fn new(w: usize, h: usize, channels: usize, background: u8) -> Canvas {
        Canvas {
            w,
            h,
            channels,
            px: vec![background; w * h * channels],
        }
    }

    pub fn set(&mut self, x: i64, y: i64, color: &[u8]) {
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            return;
        }
        let i = (y as usize * self.w + x as usize) * self.channels;
        for c in 0..self.channels {
            self.px[i + c] = color[c.min(color.len() - 1)];
        }
    }

    pub fn rect(&mut self, x0: i64, y0: i64, w: i64, h: i64, color: &[u8]) {
        for y in y0..y0 + h {
            for x in x0..x0 + w {
                self.set(x, y, color);
            }
        }
    }

    /// A ring between radii `r_in` and `r_out` (integer distance test).
    pub fn ring(&mut self, cx: i64, cy: i64, r_in: i64, r_out: i64, color: &[u8]) {
        for y in cy - r_out..=cy + r_out {
            for x in cx - r_out..=cx + r_out {
                let d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                if d2 >= r_in * r_in && d2 <= r_out * r_out {
                    self.set(x, y, color);
                }
            }
        }
    }

    /// Adds ±`amp` of noise to every byte, as a scanner does.
    pub fn noise(&mut self, rng: &mut Rng, amp: u8) {
        if amp == 0 {
            return;
        }
        let mut buf = vec![0u8; self.px.len()];
        rng.fill(&mut buf);
        for (p, n) in self.px.iter_mut().zip(buf) {
            let delta = i16::from(n % (2 * amp + 1)) - i16::from(amp);
            *p = (i16::from(*p) + delta).clamp(0, 255) as u8;
        }
    }
}

/// A scribbled signature in dark ink on white: a random walk drawn with a 2-pixel pen,
/// moving right with loops back, as a hurried hand does.
pub fn signature(rng: &mut Rng, w: usize, h: usize) -> Canvas {
    let mut c = Canvas::new(w, h, 1, 255);
    let (wi, hi) = (w as i64, h as i64);
    let (mut x, mut y) = (8i64, hi / 2);
    let mut vy = 0i64;
    for _ in 0..w * 2 {
        let (px, py) = (x, y);
        vy = (vy + rng.range(-1, 1)).clamp(-2, 2);
        y += vy;
        if y < 6 || y > hi - 12 {
            vy = -vy;
            y = y.clamp(6, hi - 12);
        }
        x += if rng.chance(1, 12) {
            -3
        } else {
            rng.range(0, 2)
        };
        x = x.clamp(4, wi - 6);
        // Pen stroke from the previous point.
        let steps = (x - px).abs().max((y - py).abs()).max(1);
        for k in 0..=steps {
            let sx = px + (x - px) * k / steps;
            let sy = py + (y - py) * k / steps;
            c.rect(sx, sy, 2, 2, &[25]);
        }
    }
    // The underline stroke.
    c.rect(wi / 6, hi - 9, wi * 2 / 3, 2, &[40]);
    c.noise(rng, 3);
    c
}

/// A round blue stamp (« cachet de la mairie »), RGB.
pub fn stamp(rng: &mut Rng, size: usize) -> Canvas {
    let mut c = Canvas::new(size, size, 3, 255);
    let r = size as i64 / 2 - 3;
    let mid = size as i64 / 2;
    let ink = [38, 60, 165];
    c.ring(mid, mid, r - 3, r, &ink);
    c.ring(mid, mid, r * 2 / 3 - 2, r * 2 / 3, &ink);
    // Lettering around the ring and Marianne's profile in the middle, as blobs.
    let mut angle_pos = 0i64;
    while angle_pos < 360 {
        let (dx, dy) = unit_circle(angle_pos);
        let rr = (r * 5) / 6;
        c.rect(mid + dx * rr / 1000, mid + dy * rr / 1000, 3, 4, &ink);
        angle_pos += rng.range(9, 16);
    }
    c.rect(mid - r / 5, mid - r / 4, r / 3, r / 2, &[60, 80, 175]);
    c.noise(rng, 6);
    c
}

/// cos and sin ×1000 of whole degrees, by an integer table at 15° steps with linear
/// interpolation (precise enough to place lettering).
fn unit_circle(deg: i64) -> (i64, i64) {
    const COS: [i64; 25] = [
        1000, 966, 866, 707, 500, 259, 0, -259, -500, -707, -866, -966, -1000, -966, -866, -707,
        -500, -259, 0, 259, 500, 707, 866, 966, 1000,
    ];
    let d = deg.rem_euclid(360);
    let i = (d / 15) as usize;
    let f = d % 15;
    let cos = COS[i] + (COS[i + 1] - COS[i]) * f / 15;
    let sd = (d + 270).rem_euclid(360);
    let j = (sd / 15) as usize;
    let g = sd % 15;
    let sin = COS[j] + (COS[j + 1] - COS[j]) * g / 15;
    (cos, sin)
}

/// A photographed identity card: photo on the left, text lines, two MRZ lines.
pub fn id_card(rng: &mut Rng, w: usize, h: usize) -> Canvas {
    let mut c = Canvas::new(w, h, 1, 236);
    let (wi, hi) = (w as i64, h as i64);
    // Card border and a darker table around it, as on a phone photo.
    c.rect(0, 0, wi, hi / 12, &[90]);
    c.rect(0, hi - hi / 12, wi, hi / 12, &[90]);
    c.rect(wi / 16, hi / 5, wi / 4, hi * 2 / 5, &[110]);
    c.rect(
        wi / 16 + 8,
        hi / 5 + 8,
        wi / 4 - 16,
        hi * 2 / 5 - 16,
        &[150],
    );
    let mut y = hi / 5;
    while y < hi * 3 / 5 {
        let len = rng.range(wi / 6, wi / 2);
        c.rect(wi / 3 + 8, y, len, 8, &[60]);
        y += 16;
    }
    for k in 0..2 {
        let y = hi * 7 / 10 + k * 16;
        let mut x = wi / 16;
        while x < wi - wi / 16 {
            c.rect(x, y, 8, 8, &[if rng.chance(1, 2) { 40 } else { 120 }]);
            x += 8;
        }
    }
    c.noise(rng, 4);
    c
}

/// A company logo as mail clients embed it in signatures (« image001.png »), RGB.
pub fn logo(rng: &mut Rng, w: usize, h: usize) -> Canvas {
    let mut c = Canvas::new(w, h, 3, 255);
    let color = [
        rng.range(20, 200) as u8,
        rng.range(20, 200) as u8,
        rng.range(20, 200) as u8,
    ];
    let (wi, hi) = (w as i64, h as i64);
    c.ring(hi / 2, hi / 2, hi / 3, hi / 2 - 2, &color);
    c.rect(hi + 4, hi / 4, wi - hi - 8, hi / 5, &color);
    c.rect(
        hi + 4,
        hi / 2 + 2,
        (wi - hi - 8) * 2 / 3,
        hi / 8,
        &[120, 120, 120],
    );
    c.noise(rng, 2);
    c
}

/// A scanned A4 page at low resolution: text lines on off-white, for large attachments.
pub fn scanned_page(rng: &mut Rng, w: usize, h: usize) -> Canvas {
    let mut c = Canvas::new(w, h, 1, 243);
    let mut y = h as i64 / 10;
    while y < h as i64 * 9 / 10 {
        if rng.chance(5, 6) {
            let len = rng.range(w as i64 / 3, w as i64 * 4 / 5);
            c.rect(w as i64 / 10, y, len, 8, &[rng.range(40, 90) as u8]);
        }
        y += 16;
    }
    c.noise(rng, 8);
    c
}

// ---------------------------------------------------------------------------------------------
// PNG.

const fn crc_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[n] = c;
        n += 1;
    }
    t
}

static CRC_TABLE: [u32; 256] = crc_table();

/// CRC-32 (ISO-HDLC), as used by PNG chunks.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for p in parts {
        for &b in *p {
            c = CRC_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
    }
    c ^ 0xffff_ffff
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
}

/// Encodes a canvas as PNG (8-bit gray or RGB), with uncompressed deflate blocks.
pub fn png(c: &Canvas) -> Vec<u8> {
    let row = c.w * c.channels;
    let mut raw = Vec::with_capacity((row + 1) * c.h);
    for y in 0..c.h {
        raw.push(0); // filter: none
        raw.extend_from_slice(&c.px[y * row..(y + 1) * row]);
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, b) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = b.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(b);
    }
    z.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(c.w as u32).to_be_bytes());
    ihdr.extend_from_slice(&(c.h as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, if c.channels == 3 { 2 } else { 0 }, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &z);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

// ---------------------------------------------------------------------------------------------
// JPEG.

struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.acc = (self.acc << 1) | ((code >> i) & 1);
            self.n += 1;
            if self.n == 8 {
                let byte = self.acc as u8;
                self.out.push(byte);
                if byte == 0xff {
                    self.out.push(0); // byte stuffing
                }
                self.acc = 0;
                self.n = 0;
            }
        }
    }
    fn flush(&mut self) {
        while self.n != 0 {
            self.put(1, 1);
        }
    }
}

/// Canonical Huffman codes from the JPEG `bits` counts: (code, length) per symbol index.
fn huffman_codes(bits: &[u8; 16]) -> Vec<(u32, u32)> {
    let mut codes = Vec::new();
    let mut code = 0u32;
    for (len_minus_1, &count) in bits.iter().enumerate() {
        for _ in 0..count {
            codes.push((code, len_minus_1 as u32 + 1));
            code += 1;
        }
        code <<= 1;
    }
    codes
}

/// Standard luminance DC table (ITU-T T.81 annex K).
const DC_BITS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
/// A one-symbol AC table: only end-of-block, coded `0`.
const AC_BITS: [u8; 16] = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const QUANT: u8 = 8;

/// Encodes a grayscale canvas as a baseline JPEG whose blocks are flat (DC only).
pub fn jpeg(c: &Canvas, comment: &str) -> Vec<u8> {
    let gray: Vec<u8> = if c.channels == 1 {
        c.px.clone()
    } else {
        c.px.chunks(c.channels)
            .map(|p| {
                ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000)
                    as u8
            })
            .collect()
    };
    let bw = c.w.div_ceil(8);
    let bh = c.h.div_ceil(8);
    let mut out = vec![0xff, 0xd8];
    out.extend_from_slice(&[
        0xff, 0xe0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1, 0, 72, 0, 72, 0, 0,
    ]);
    if !comment.is_empty() {
        let com = comment.as_bytes();
        let len = (com.len().min(60000) + 2) as u16;
        out.extend_from_slice(&[0xff, 0xfe]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&com[..len as usize - 2]);
    }
    out.extend_from_slice(&[0xff, 0xdb, 0, 67, 0]);
    out.extend_from_slice(&[QUANT; 64]);
    out.extend_from_slice(&[0xff, 0xc0, 0, 11, 8]);
    out.extend_from_slice(&(c.h as u16).to_be_bytes());
    out.extend_from_slice(&(c.w as u16).to_be_bytes());
    out.extend_from_slice(&[1, 1, 0x11, 0]);
    // DHT: DC table 0 (12 symbols), AC table 0 (EOB only).
    out.extend_from_slice(&[0xff, 0xc4, 0, 31, 0x00]);
    out.extend_from_slice(&DC_BITS);
    out.extend_from_slice(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    out.extend_from_slice(&[0xff, 0xc4, 0, 20, 0x10]);
    out.extend_from_slice(&AC_BITS);
    out.push(0x00);
    out.extend_from_slice(&[0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 63, 0]);

    let dc_codes = huffman_codes(&DC_BITS);
    let (eob_code, eob_len) = huffman_codes(&AC_BITS)[0];
    let mut bits = BitWriter {
        out: Vec::with_capacity(bw * bh),
        acc: 0,
        n: 0,
    };
    let mut prev = 0i32;
    for by in 0..bh {
        for bx in 0..bw {
            let mut sum = 0u32;
            for y in 0..8 {
                for x in 0..8 {
                    let px = (bx * 8 + x).min(c.w - 1);
                    let py = (by * 8 + y).min(c.h - 1);
                    sum += u32::from(gray[py * c.w + px]);
                }
            }
            // DC coefficient of a flat block = 8·(level − 128); quantised by QUANT.
            let level = (sum / 64) as i32;
            let dc = (8 * (level - 128)) / i32::from(QUANT);
            let diff = dc - prev;
            prev = dc;
            let size = 32 - diff.unsigned_abs().leading_zeros();
            let (code, len) = dc_codes[size as usize];
            bits.put(code, len);
            if size > 0 {
                let v = if diff < 0 { diff - 1 } else { diff };
                bits.put((v as u32) & ((1 << size) - 1), size);
            }
            bits.put(eob_code, eob_len);
        }
    }
    bits.flush();
    out.extend_from_slice(&bits.out);
    out.extend_from_slice(&[0xff, 0xd9]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_iend() {
        // The IEND chunk's CRC is a constant of every PNG file.
        assert_eq!(crc32(&[b"IEND"]), 0xae42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }

    #[test]
    fn png_structure() {
        let mut rng = Rng::new(1, 1);
        let p = png(&signature(&mut rng, 120, 40));
        assert!(p.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(p.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
        let s = png(&stamp(&mut rng, 64));
        assert_eq!(s[25], 2, "RGB colour type");
    }

    #[test]
    fn jpeg_structure() {
        let mut rng = Rng::new(1, 2);
        let j = jpeg(&id_card(&mut rng, 160, 104), "scan");
        assert!(j.starts_with(&[0xff, 0xd8, 0xff, 0xe0]));
        assert!(j.ends_with(&[0xff, 0xd9]));
        let codes = huffman_codes(&DC_BITS);
        assert_eq!(codes[0], (0b00, 2));
        assert_eq!(codes[5], (0b110, 3));
        assert_eq!(codes[11], (0b1_1111_1110, 9));
    }
}
