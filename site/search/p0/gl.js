crdSearchTerms(0,"gl",{"global":[3,4,39,126,127,199,225],"globalization":[4,129,228]});
