crdSearchTerms(0,"ph",{"photo":[28],"phrase":[12,15,17,18,26,27,36,40,41,62]});
