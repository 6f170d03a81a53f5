package app

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"github.com/fenliu/fenliu"
)

// MinPassword is the shortest password an account may be given.
const MinPassword = 10

//go:embed common_passwords.txt
var commonList string

// common is the list of passwords too common to use (common_passwords.txt,
// kept in the repository), lower-cased.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// CheckPasswordPolicy checks a new password: at least MinPassword
// characters, not the username (nor the username backwards, nor — for a
// username of four characters or more — containing it), not one character
// repeated, not a common password.
func CheckPasswordPolicy(username, password string) error {
	bad := func(zh, en string) error {
		return &fenliu.Error{Code: fenliu.EUnprocessable, Field: "password", ZH: zh, EN: en}
	}
	if utf8.RuneCountInString(password) < MinPassword {
		return bad("密码至少 10 个字符", "a password has at least 10 characters")
	}
	if len(password) > 200 {
		return bad("密码最多 200 个字符", "a password has at most 200 characters")
	}
	lower := strings.ToLower(password)
	if u := strings.ToLower(strings.TrimSpace(username)); u != "" && (lower == u || lower == reverse(u) || (utf8.RuneCountInString(u) >= 4 && strings.Contains(lower, u))) {
		return bad("密码不能是或包含用户名", "a password may not be or contain the username")
	}
	if strings.Trim(lower, lower[:1]) == "" {
		return bad("密码不能是同一个字符重复", "a password may not be one character repeated")
	}
	if common[lower] {
		return bad("这个密码太常见，请换一个", "this password is too common; choose another")
	}
	return nil
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
