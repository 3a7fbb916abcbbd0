package morph

type userDict struct{}

func (a *Analyzer) addUser(text string, o int) bool { return false }
