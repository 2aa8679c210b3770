crdSearchTerms(0,"aw",{"awaits":[28]});
