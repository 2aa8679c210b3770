crdSearchTerms(0,"ba",{"back":[4,27,37,99,193,357],"backed":[1,48,63,269,302],"background":[74],"backing":[63],"based":[4,94,230],"basis":[22,62]});
