crdSearchTerms(0,"ed",{"editorial":[105],"edtf":[44]});
