crdSearchTerms(0,"u",{"u":[0,74,358]});
