crdSearchTerms(0,"ou",{"our":[4,39,127,225],"out":[4,129,228],"outlet":[2,34,93,101,207,372],"outside":[54]});
