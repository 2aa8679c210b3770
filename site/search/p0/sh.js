crdSearchTerms(0,"sh",{"shandong":[3],"shaping":[4],"shared":[4],"shining":[4,128,226],"ships":[3],"shortly":[3,12,15,140,174,177],"shoulder":[4,129,228]});
