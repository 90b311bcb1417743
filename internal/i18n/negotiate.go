package i18n

import xlanguage "golang.org/x/text/language"

// matcher picks the best supported language for an Accept-Language list.
// Its order is Supported's: the first tag is the fallback.
var matcher = xlanguage.NewMatcher([]xlanguage.Tag{
	xlanguage.English,
	xlanguage.SimplifiedChinese,
})

// Negotiate returns the reader's Localizer: the language of the cookie when
// it names a supported language (the reader chose it with the switch),
// otherwise the best match for the Accept-Language header (q-values and
// regional variants respected: "zh", "zh-CN", "zh-Hans-SG" read Chinese),
// otherwise DefaultLang.
func Negotiate(cookie, acceptLanguage string) Localizer {
	if IsSupported(cookie) {
		return For(cookie)
	}
	if acceptLanguage == "" {
		return For(DefaultLang)
	}
	tags, _, err := xlanguage.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return For(DefaultLang)
	}
	_, index, confidence := matcher.Match(tags...)
	if confidence == xlanguage.No {
		return For(DefaultLang)
	}
	return For(Supported()[index])
}
