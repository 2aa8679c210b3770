crdSearchTerms(0,"bl",{"bloc":[1,78,135,136,137,184,186],"blows":[1,265,290]});
