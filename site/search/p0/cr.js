crdSearchTerms(0,"cr",{"credit":[141],"credited":[67,79,86],"credits":[141,145],"criticized":[2,32,203,366,367],"crosswalk":[53,54,56,57,58,60,61]});
