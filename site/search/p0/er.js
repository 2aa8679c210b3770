crdSearchTerms(0,"er",{"era":[4,132,234]});
