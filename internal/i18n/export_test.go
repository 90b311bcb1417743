package i18n

// Messages exposes a catalog to the external tests.
func Messages(lang string) map[string]string { return languages[lang].messages }

// PluralForms exposes the plural categories of a language: the suffixes
// its N can append.
func PluralForms(lang string) map[string]bool {
	forms := map[string]bool{}
	for _, n := range []int{0, 1, 2, 5, 11, 21, 100, 1000} {
		forms[languages[lang].plural(n)] = true
	}
	return forms
}
