package testsite

func (w *world) buildDongtai() {}
