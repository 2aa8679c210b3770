crdSearchTerms(0,"52",{"527":[69]});
