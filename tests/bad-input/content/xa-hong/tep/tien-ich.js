document.body.innerHTML = "<h1>Trang bị thay đổi</h1>";
