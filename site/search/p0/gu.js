crdSearchTerms(0,"gu",{"gunpowder":[2,32,203,366,367]});
