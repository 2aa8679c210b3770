crdSearchTerms(0,"73",{"737":[138]});
