package images

import "bytes"

// Format is what the leading bytes of an upload say it is. Names and
// declared content types are never trusted.
type Format string

// Formats Sniff recognises.
const (
	FormatEmpty   Format = "empty"
	FormatJPEG    Format = "jpeg"
	FormatPNG     Format = "png"
	FormatGIF     Format = "gif"
	FormatWebP    Format = "webp"
	FormatHEIC    Format = "heic"
	FormatAVIF    Format = "avif"
	FormatPDF     Format = "pdf"
	FormatBMP     Format = "bmp"
	FormatTIFF    Format = "tiff"
	FormatUnknown Format = "unknown"
)

// sniffLen is how many leading bytes Sniff needs.
const sniffLen = 16

// Sniff names the format from the first bytes of a file.
func Sniff(head []byte) Format {
	switch {
	case len(head) == 0:
		return FormatEmpty
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return FormatGIF
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return FormatWebP
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return FormatPDF
	case bytes.HasPrefix(head, []byte("BM")):
		return FormatBMP
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return FormatTIFF
	case len(head) >= 12 && bytes.Equal(head[4:8], []byte("ftyp")):
		// ISO base media file: the major brand tells HEIF from AVIF.
		switch string(head[8:12]) {
		case "avif", "avis":
			return FormatAVIF
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return FormatHEIC
		}
	}
	return FormatUnknown
}

// errNotJPEG explains, per detected format, how to get a JPEG.
func errNotJPEG(f Format) *Error {
	switch f {
	case FormatEmpty, FormatHEIC, FormatPDF:
		return newError(CodeNotJPEG, "image.not_jpeg."+string(f), nil)
	case FormatPNG, FormatGIF, FormatWebP, FormatBMP, FormatTIFF, FormatAVIF:
		return newError(CodeNotJPEG, "image.not_jpeg.picture", nil, formatNames[f])
	}
	return newError(CodeNotJPEG, "image.not_jpeg.unknown", nil)
}

// formatNames are the picture formats as people write them.
var formatNames = map[Format]string{FormatPNG: "PNG", FormatGIF: "GIF", FormatWebP: "WebP", FormatBMP: "BMP", FormatTIFF: "TIFF", FormatAVIF: "AVIF"}
