crdSearchTerms(0,"eq",{"equal":[4,129,228],"equality":[4,230],"equipment":[1,9,161]});
