package fenliu

import "testing"

// TestAttachmentURIs: an attachment is this server's upload or another
// system's reference kept as text — never a web address or a script.
func TestAttachmentURIs(t *testing.T) {
	for uri, ok := range map[string]bool{
		"/uploads/AbC-_09": true, "rec://110/20261123/0001": true, "110rec:12345": true, "sip:recording-42": true,
		"https://evil.example/a.png": false, "http://x": false, "//evil.example/a.png": false, "HTTPS://x": false,
		"javascript:alert(1)": false, "data:image/png;base64,AAAA": false, "/etc/passwd": false, "/uploads/../x": false,
		"rec://110/<script>": false, "a b": false, " javascript:alert(1)": false,
	} {
		err := ValidateAttachments([]Attachment{{Kind: "photo", URI: uri}})
		if (err == nil) != ok {
			t.Errorf("%q: %v", uri, err)
		}
	}
	if !IsUploadURI("/uploads/abc") || IsUploadURI("rec://110/1") || IsUploadURI("/uploads/") {
		t.Error("IsUploadURI")
	}
}
