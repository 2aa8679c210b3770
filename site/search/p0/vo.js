crdSearchTerms(0,"vo",{"volodymyr":[2,54,88,281,367,428,429,431]});
