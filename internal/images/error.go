package images

import (
	"errors"
	"fmt"

	"beian/internal/filing"
)

// Stable error codes of api.md.
const (
	CodeNotJPEG  = "attachment.not_jpeg"
	CodeTooLarge = "attachment.too_large"
	CodeTooSmall = "attachment.too_small"
)

// Error is an upload refused for a reason the applicant can fix. Anything
// else Process returns is an internal failure.
type Error struct {
	Code    string
	Message filing.Text
	// Field names the part of a merge that failed ("front" or "back");
	// empty for Process.
	Field string
	// Err is the underlying cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	msg := e.Code + ": " + e.Message.EN
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		msg += fmt.Sprintf(" (%v)", e.Err)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// CodeOf returns the code of an *Error inside err, or "".
func CodeOf(err error) string {
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return ""
}

func newError(code, zh, en string, cause error) *Error {
	return &Error{Code: code, Message: filing.Text{ZH: zh, EN: en}, Err: cause}
}

// errBroken is the answer for bytes that start like a JPEG but do not
// decode: truncated uploads, corrupted files, unsupported JPEG variants.
func errBroken(cause error) *Error {
	return newError(CodeNotJPEG,
		"这个 JPEG 文件已损坏或不完整，无法读取。请重新拍照，或用手机相册/“画图”重新另存为 JPG 后上传。",
		"This JPEG file is damaged or incomplete and cannot be read. Take the photo again, or re-save it as JPG in your photo app or Paint, then upload it.",
		cause)
}

func errTooManyBytes(max int64) *Error {
	mib := float64(max) / (1 << 20)
	return newError(CodeTooLarge,
		fmt.Sprintf("文件超过 %.0f MB 上限。请在手机相册中压缩或缩小图片后重新上传。", mib),
		fmt.Sprintf("The file is larger than the %.0f MB limit. Reduce or compress the picture in your photo app and upload it again.", mib),
		nil)
}

func errTooManyPixels(w, h, max int) *Error {
	return newError(CodeTooLarge,
		fmt.Sprintf("图片尺寸 %d×%d 像素过大（上限 %d 万像素）。请缩小图片后重新上传。", w, h, max/10000),
		fmt.Sprintf("The picture measures %d×%d pixels, more than the %d megapixel limit. Resize it and upload it again.", w, h, max/1_000_000),
		nil)
}

func errTooSmall(w, h, minW, minH int) *Error {
	return newError(CodeTooSmall,
		fmt.Sprintf("图片只有 %d×%d 像素，至少需要 %d×%d 像素才能看清。请用原件重新拍照或扫描。", w, h, minW, minH),
		fmt.Sprintf("The picture is only %d×%d pixels; at least %d×%d are needed to be legible. Photograph or scan the original again.", w, h, minW, minH),
		nil)
}

func errTooManyProgressive(w, h, max int) *Error {
	return newError(CodeTooLarge,
		fmt.Sprintf("图片尺寸 %d×%d 像素过大：渐进式（progressive）JPEG 解码所需内存更多，上限约 %d 万像素。请另存为普通（基线）JPEG 或缩小图片后重新上传。", w, h, max/10000),
		fmt.Sprintf("The picture measures %d×%d pixels: a progressive JPEG takes more memory to decode, so its limit is about %d megapixels. Save it as a baseline JPEG or resize it, and upload it again.", w, h, max/1_000_000),
		nil)
}
