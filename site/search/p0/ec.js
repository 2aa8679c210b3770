crdSearchTerms(0,"ec",{"economic":[4,60,129,228,235],"economically":[1,61,264],"economies":[1,78,135,136,137,184,186]});
