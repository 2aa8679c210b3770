crdSearchTerms(0,"ei",{"eighty":[4,128,152,158,226],"either":[9,37]});
