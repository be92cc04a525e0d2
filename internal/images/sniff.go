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
	const saveAs = "请用手机相册或电脑“画图”打开后另存为 JPG 格式再上传。"
	const saveAsEN = "Open it in your phone's photo app or in Paint and save it as JPG, then upload it again."
	zh, en := "", ""
	switch f {
	case FormatEmpty:
		zh, en = "文件是空的（0 字节）。请重新选择照片上传。", "The file is empty (0 bytes). Choose the photo again."
	case FormatPNG:
		zh, en = "这是 PNG 图片，只接受 JPEG (JPG)。"+saveAs, "This is a PNG image; only JPEG (JPG) is accepted. "+saveAsEN
	case FormatGIF:
		zh, en = "这是 GIF 图片，只接受 JPEG (JPG)。"+saveAs, "This is a GIF image; only JPEG (JPG) is accepted. "+saveAsEN
	case FormatWebP:
		zh, en = "这是 WebP 图片，只接受 JPEG (JPG)。"+saveAs, "This is a WebP image; only JPEG (JPG) is accepted. "+saveAsEN
	case FormatBMP:
		zh, en = "这是 BMP 图片，只接受 JPEG (JPG)。"+saveAs, "This is a BMP image; only JPEG (JPG) is accepted. "+saveAsEN
	case FormatTIFF:
		zh, en = "这是 TIFF 图片，只接受 JPEG (JPG)。"+saveAs, "This is a TIFF image; only JPEG (JPG) is accepted. "+saveAsEN
	case FormatHEIC:
		zh = "这是 iPhone 的 HEIC 照片，只接受 JPEG (JPG)。请在相册中“共享 > 选项”里选择“最兼容”导出，或在“设置 > 相机 > 格式”中选择“兼容性最佳”后重新拍照。"
		en = "This is an iPhone HEIC photo; only JPEG (JPG) is accepted. Share it with the \"Most Compatible\" option, or set Settings > Camera > Formats to \"Most Compatible\" and take the photo again."
	case FormatAVIF:
		zh, en = "这是 AVIF 图片，只接受 JPEG (JPG)。"+saveAs, "This is an AVIF image; only JPEG (JPG) is accepted. "+saveAsEN
	case FormatPDF:
		zh, en = "这是 PDF 文件，不是照片。请把原件拍照或扫描成 JPG 图片后上传。", "This is a PDF document, not a photo. Photograph or scan the original as a JPG image and upload that."
	default:
		zh, en = "无法识别这个文件，只接受 JPEG (JPG) 图片。"+saveAs, "This file is not a recognised image; only JPEG (JPG) is accepted. "+saveAsEN
	}
	return newError(CodeNotJPEG, zh, en, nil)
}
