crdSearchTerms(0,"sy",{"symbolic":[2],"system":[4,39,127,225]});
